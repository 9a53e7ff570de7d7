// Shared pieces of the uplink tests and benchmark: gateway identities, a roster, records of
// every kind the operator reads, a gateway-side uplink wired to a store, and a SQLite operator.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyHex, signEnvelope } from '../../core/signed-envelope.js';
import { RealClock, SimulatedClock } from '../../gateway/clock/clock.js';
import { createLogger } from '../../gateway/log/logger.js';
import { MajorityFinality } from '../../gateway/operator/finality.js';
import { StaticDirectory } from '../../gateway/operator/member-directory.js';
import { OperatorReceiver, type ReceiverOptions } from '../../gateway/operator/receiver.js';
import { SqliteStorage } from '../../gateway/operator/sqlite-storage.js';
import { StatusBoard } from '../../gateway/services/service.js';
import { Store } from '../../gateway/store/store.js';
import { uplinkConfigSchema, type UplinkConfigInput } from '../../gateway/uplink/config.js';
import type { IntervalEnergyPayload, SettlementPayload, TradePayload } from '../../gateway/uplink/payloads.js';
import { signVote } from '../../gateway/market/finality.js';
import { enqueueRecord, recordId, type UplinkRecord } from '../../gateway/uplink/record.js';
import { UplinkService } from '../../gateway/uplink/uplink-service.js';

export const MARKET = 'trondheim';
export const DAY_START_MS = Date.UTC(2026, 5, 21);
export const INTERVAL_MS = 15 * 60_000;

export function seedOf(name: string): Uint8Array {
  return createHash('sha256').update(`nabo test seed ${name}`).digest();
}

export interface TestGateway {
  id: string;
  seed: Uint8Array;
  publicKey: string;
}

export function gateways(n: number): TestGateway[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `gw-${i + 1}`;
    const seed = seedOf(id);
    return { id, seed, publicKey: publicKeyHex(seed) };
  });
}

export function directoryOf(gws: ReadonlyArray<TestGateway>): StaticDirectory {
  return new StaticDirectory(gws.map((g) => ({ gatewayId: g.id, publicKey: g.publicKey })));
}

export interface SqliteOperator {
  receiver: OperatorReceiver;
  storage: SqliteStorage;
  /** Stops receiving, then closes the storage. */
  stop(): Promise<void>;
}

/** An operator receiving on `brokerUrl` for these gateways into SQLite at `file` (majority finality, real clock). */
export async function startSqliteOperator(brokerUrl: string, file: string, gws: ReadonlyArray<TestGateway>, extra: Partial<ReceiverOptions> = {}): Promise<SqliteOperator> {
  const storage = SqliteStorage.open(file);
  const receiver = new OperatorReceiver({ brokerUrl, storage, directory: directoryOf(gws), finality: new MajorityFinality(), clock: new RealClock(), ...extra });
  await receiver.start();
  return {
    receiver,
    storage,
    stop: async () => {
      await receiver.stop();
      await storage.close();
    },
  };
}

export function tempDir(prefix = 'nabo-uplink-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function energyRecord(gatewayId: string, deviceId: string, i: number, importWh = 100 + (i % 7)): UplinkRecord<IntervalEnergyPayload> {
  const intervalStartMs = DAY_START_MS + i * INTERVAL_MS;
  return {
    id: recordId('interval-energy', gatewayId, `${deviceId}:${intervalStartMs}`),
    kind: 'interval-energy',
    gatewayId,
    createdMs: intervalStartMs + INTERVAL_MS,
    payload: { deviceId, intervalStartMs, intervalMs: INTERVAL_MS, importWh, exportWh: 0, quality: 'measured', gapReason: null },
  };
}

/** A finality certificate as the market makes it: the first `voters` members sign a vote for `resultHash`. */
export function certificate(gws: ReadonlyArray<TestGateway>, resultHash: string, intervalStartMs: number, voters = gws.length): TradePayload['certificate'] {
  const snapshotHash = createHash('sha256').update(`snapshot ${intervalStartMs}`).digest('hex');
  const intervalStart = new Date(intervalStartMs).toISOString();
  return { resultHash, votes: gws.slice(0, voters).map((g) => signVote({ marketId: MARKET, intervalStart, voter: g.id, attempt: 0, snapshotHash, resultHash }, g.seed)) };
}

export function tradeRecord(gws: ReadonlyArray<TestGateway>, g: TestGateway, i: number, side: 'buy' | 'sell', energyWh: number, priceMinorPerKWh: number, voters = gws.length): UplinkRecord<TradePayload> {
  const intervalStartMs = DAY_START_MS + i * INTERVAL_MS;
  const resultHash = createHash('sha256').update(`result ${intervalStartMs}`).digest('hex');
  return {
    id: recordId('trade', g.id, intervalStartMs),
    kind: 'trade',
    gatewayId: g.id,
    createdMs: intervalStartMs + INTERVAL_MS,
    payload: {
      marketId: MARKET,
      blockId: 'block-a',
      intervalStartMs,
      intervalMs: INTERVAL_MS,
      side,
      energyWh,
      priceMinorPerKWh,
      amountMinor: Math.round((energyWh * priceMinorPerKWh) / 1000),
      resultHash,
      certificate: certificate(gws, resultHash, intervalStartMs, voters),
    },
  };
}

export function settlementRecord(g: TestGateway, i: number, s: Omit<SettlementPayload, 'marketId' | 'blockId' | 'intervalStartMs' | 'intervalMs'>): UplinkRecord<SettlementPayload> {
  const intervalStartMs = DAY_START_MS + i * INTERVAL_MS;
  return { id: recordId('settlement', g.id, intervalStartMs), kind: 'settlement', gatewayId: g.id, createdMs: intervalStartMs + INTERVAL_MS, payload: { marketId: MARKET, blockId: 'block-a', intervalStartMs, intervalMs: INTERVAL_MS, ...s } };
}

export function fillEnergy(store: Store, g: TestGateway, count: number, devices = 1): void {
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) for (let d = 0; d < devices; d++) enqueueRecord(store, energyRecord(g.id, `meter-${d}`, i), g.seed);
  })();
}

export function uplinkConfig(brokerUrl: string, extra: Partial<UplinkConfigInput> = {}): ReturnType<typeof uplinkConfigSchema.parse> {
  return uplinkConfigSchema.parse({ enabled: true, brokerUrl, marketId: MARKET, ackTimeoutMs: 2_000, reconnectMinMs: 100, reconnectMaxMs: 1_000, ...extra });
}

export const quietLog = createLogger({ level: 'silent', pretty: false });

/** Starts an uplink for `g` on `store`; the context clock is simulated, I/O runs on real time. */
export function startUplink(store: Store, g: TestGateway, brokerUrl: string, extra: Partial<UplinkConfigInput> = {}, env: NodeJS.ProcessEnv = {}): { uplink: UplinkService; status: StatusBoard } {
  const status = new StatusBoard();
  const uplink = new UplinkService({ config: uplinkConfig(brokerUrl, extra), gatewayId: g.id, ioClock: new RealClock(), pollMs: 50, env });
  uplink.start({ clock: new SimulatedClock({ startMs: DAY_START_MS + 86_400_000 }), store, status, log: quietLog });
  return { uplink, status };
}

/** Resolves, with how many it saw, once the uplink has had at least `count` records acknowledged by the operator. */
export function deliveredAtLeast(uplink: { onDelivered(listener: (count: number) => void): () => void }, count: number): Promise<number> {
  let delivered = 0;
  return new Promise<number>((resolve) => {
    const off = uplink.onDelivered((n) => {
      delivered += n;
      if (delivered >= count) {
        off();
        resolve(delivered);
      }
    });
  });
}
