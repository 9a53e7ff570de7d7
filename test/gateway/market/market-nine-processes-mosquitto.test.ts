// The integration test: a district of 3 blocks × 3 buildings, 9 separate gateway
// processes (market-gateway-process.ts) and a real Mosquitto with a password file and the
// roster's ACL, on simulated clocks anchored to one real instant. MARKET_E2E_INTERVALS sets how
// many intervals (default 8; 96 for the full simulated day), MARKET_E2E_SPEED the clock speed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { hashOf } from '../../../core/hash.js';
import { RealClock } from '../../../gateway/clock/clock.js';
import { MarketStore } from '../../../gateway/market/market-store.js';
import { clearSnapshot, verifySnapshot } from '../../../gateway/market/snapshot.js';
import { Store } from '../../../gateway/store/store.js';
import { imbalances } from '../../edge-solver/clearing/helpers.js';
import { MarketBlock, passwordOf } from './market-block.js';
import { district, OPERATOR } from './market-fixtures.js';

const INTERVALS = Number(process.env.MARKET_E2E_INTERVALS ?? 8);
const SPEED = Number(process.env.MARKET_E2E_SPEED ?? 120);
const INTERVAL_MS = 900_000;
const PARAMS = { gateClosureLeadMs: 300_000, coordinatorTimeoutMs: 60_000, snapshotWindowMs: 1000, clockSkewMs: 2000, finalityTimeoutMs: 280_000 };
// Noon in June: PV surplus in some buildings, so the blocks trade.
const FIRST = Date.UTC(2026, 5, 10, 9, 0);

const children: ChildProcess[] = [];
let block: MarketBlock | undefined;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await block?.dispose();
});

describe('a district of 3 blocks × 3 buildings in 9 gateway processes (needs mosquitto)', () => {
  it(`agrees on every interval, balances every block, replays every snapshot and settles every interval (${INTERVALS} intervals)`, async () => {
    const d = district({ blocks: 3, buildings: 3, parameters: PARAMS });
    // The block's harness only provides the broker, the roster on it and the stores' folder.
    block = new MarketBlock(d, FIRST);
    await block.start([]);
    // Half an hour before the first gate closure: time for every process to connect and get the roster.
    const simStartMs = FIRST - PARAMS.gateClosureLeadMs - 1_800_000;
    const events: Array<{ event: string; gatewayId: string; intervalStartMs?: number; resultHash?: string | null; reason?: string | null; code?: string }> = [];
    const last = FIRST + (INTERVALS - 1) * INTERVAL_MS;
    let started = false;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; last events: ${JSON.stringify(events.slice(-12))}`)), ((INTERVALS + 3) * INTERVAL_MS) / SPEED + 120_000);
      d.gatewayIds.forEach((gatewayId, i) => {
        const args = { gatewayId, dataDir: block!.dir, brokerUrl: block!.broker.url, password: passwordOf(gatewayId), marketId: d.roster.marketId, operatorPublicKey: OPERATOR.publicKey, simStartMs, speed: SPEED, seed: 100 + i, kWp: [12, 0, 6][i % 3]! };
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/gateway/market/market-gateway-process.ts', JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] });
        children.push(child);
        createInterface({ input: child.stdout! }).on('line', (line) => {
          try {
            events.push(JSON.parse(line));
          } catch {
            return;
          }
          // Once all nine are loaded, start their clocks together: simulated start = now.
          if (events.filter((e) => e.event === 'loaded').length === d.gatewayIds.length && !started) {
            started = true;
            const anchor = new RealClock().now();
            for (const c of children) c.stdin!.write(`${anchor}\n`);
          }
          // Done when every gateway has settled the last interval (its energy arrives a minute after it ends).
          const settledLast = d.gatewayIds.every((g) => events.some((e) => e.gatewayId === g && e.intervalStartMs === last && e.event === 'settled'));
          if (settledLast) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => code !== 0 && code !== null && reject(new Error(`${gatewayId} exited with ${code}`)));
      });
    });
    await done;
    await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGTERM')))));

    const stores = d.gatewayIds.map((g) => ({ g, store: Store.open(`${block!.dir}/${g}.db`, { readonly: true }) }));
    try {
      for (let k = 0; k < INTERVALS; k++) {
        const T = FIRST + k * INTERVAL_MS;
        const rows = stores.map(({ store }) => new MarketStore(store).interval(T));
        expect(rows.map((r) => r?.status)).toEqual(d.gatewayIds.map(() => 'final'));
        expect(new Set(rows.map((r) => r!.resultHash)).size).toBe(1);
        const ms = new MarketStore(stores[0]!.store);
        const result = ms.result(T, d.roster.marketId)!;
        expect(hashOf(result)).toBe(rows[0]!.resultHash);
        // Each block balances: sold + import + delivered in = bought + export + sent out + net load.
        expect(imbalances(result)).toEqual([0, 0, 0]);
        for (const { store } of stores) {
          const m = new MarketStore(store);
          const snap = m.snapshots(T).find((s) => s.hash === m.interval(T)!.snapshotHash)!;
          const v = verifySnapshot(snap.envelope, d.roster);
          expect(v.ok).toBe(true);
          if (v.ok) expect((await clearSnapshot(v.value, d.roster)).resultHash).toBe(rows[0]!.resultHash);
          // Settled against the building's true metered energy: metered − traded is what the grid covered.
          const [s] = m.settlements(T);
          expect(s?.payload.status).toBe('settled');
          expect(s!.payload.imbalanceWh).toBe(s!.payload.meteredWh! - s!.payload.tradedWh);
        }
      }
      const traded = stores.reduce((n, { store }) => n + Array.from({ length: INTERVALS }, (_, k) => new MarketStore(store).trades(FIRST + k * INTERVAL_MS).length).reduce((a, b) => a + b, 0), 0);
      expect(traded).toBeGreaterThan(0);
    } finally {
      for (const { store } of stores) store.close();
    }
  }, 600_000);
});
