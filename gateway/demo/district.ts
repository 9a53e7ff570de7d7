// A whole simulated district on one machine, as it runs in the field: the device simulator on
// real transports, a private Mosquitto for the block market and one for the operator (password
// files and ACLs from the roster; the operator's on TLS only, unless operatorPlain), `nabo
// operator` on SQLite (or PostgreSQL), and one `nabo run` process per building reading its
// simulated meters, trading, steering its battery and sending its records upstream. Every
// process follows the same simulated clock, anchored to one real instant. Used by `nabo demo`
// and by the district integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { canonicalJson } from '../../core/canonical-json.js';
import { generateFleet } from '../../device-sim/fleet/generate.js';
import { startSimulator, type Simulator } from '../../device-sim/fleet/simulator.js';
import type { FleetSpec } from '../../device-sim/fleet/fleet-file.js';
import { SimulatedClock } from '../clock/clock.js';
import { generateIdentity, writeKeyFile, type GatewayIdentity } from '../market/identity.js';
import { mosquittoAcl } from '../market/mosquitto-acl.js';
import { marketTopics } from '../market/topics.js';
import { checkedConfig, districtGatewayConfig, districtRoster, signedPriceList, signedRoster, timingFor, type DistrictPlan, type PricesAt } from './district-setup.js';
import { seedHistory } from './history.js';
import { makeBrokerTls } from './demo-tls.js';
import { freeLoopbackPort, startBroker, stopProcess, type RunningBroker } from './mosquitto.js';

export interface DistrictOptions {
  dir: string;
  blocks: number;
  buildings: number;
  seed: number;
  /** Simulated start (a little before the first traded interval, so meters have been read). */
  startMs: number;
  speed: number;
  pricesAt: PricesAt;
  /** How to start nabo: [node, ...flags, main script]. */
  nabo: string[];
  tcpOnly?: boolean;
  /** `nabo operator run --database`; default a SQLite file in dir. */
  operatorDatabase?: string;
  /** Real ms to wait for every gateway to be up before the clock starts (default 3 min). */
  readyTimeoutMs?: number;
  /** Each battery's revert timeout, simulated s (default 300): a test of the dead-man switch wants it short. */
  revertTimeoutS?: number;
  /** The operator's broker on plain MQTT instead of TLS (with a CA made in dir/broker-operator/tls). */
  operatorPlain?: boolean;
  /** On TLS, every gateway and the operator log in to the operator's broker with a client certificate (CN = user). */
  operatorClientCerts?: boolean;
  marketId?: string;
  /** Local time (HH:MM, the buildings' time zone) at which the gateways publish the next day's forecasts for the day-ahead plan; no plan without it. */
  planPublishAt?: string;
  /** Steer the batteries (default true); false: read only, each on its own self-consumption logic. */
  control?: boolean;
  /** Extra environment for the gateway processes (log level). */
  env?: NodeJS.ProcessEnv;
}

export interface DistrictGateway {
  id: string;
  block: string;
  dataDir: string;
  configFile: string;
  apiPort: number;
  gridMeterDeviceId: string;
  pvDeviceId: string | undefined;
  batteryDeviceId: string | undefined;
  /** The battery's capacity as its market section names it (for its stored energy at the day's end). */
  batteryCapacityWh?: number | undefined;
  proc: ChildProcess | undefined;
  exited: Promise<number | null>;
}

export class District {
  readonly fleet: FleetSpec;
  readonly clock: SimulatedClock;
  readonly operator: GatewayIdentity = generateIdentity();
  readonly identities = new Map<string, GatewayIdentity>();
  readonly gateways = new Map<string, DistrictGateway>();
  plan!: DistrictPlan;
  sim!: Simulator;
  blockBroker!: RunningBroker;
  operatorBroker!: RunningBroker;
  operatorProc: ChildProcess | undefined;
  operatorDatabase!: string;
  private readonly passwords = new Map<string, string>();
  /** Set by stop(): the clock freezes, so a pending until() must end rather than poll forever. */
  private stopping = false;
  private operatorLog = '';
  /** The operator's latest counters (it prints them to stderr every second). */
  operatorStats: { stored: number; duplicates: number; refused: number } = { stored: 0, duplicates: 0, refused: 0 };

  constructor(readonly options: DistrictOptions) {
    this.fleet = generateFleet({ blocks: options.blocks, buildings: options.buildings, seed: options.seed, ...(options.tcpOnly ? { tcpOnly: true } : {}), stepMs: 1000 * Math.max(1, Math.ceil(options.speed / 120)), speed: options.speed });
    this.clock = new SimulatedClock({ startMs: options.startMs, speed: options.speed });
  }

  get marketId(): string {
    return this.options.marketId ?? 'trondheim-demo';
  }

  /** Brokers, operator, simulator and every gateway, in that order. */
  async start(onStep: (what: string) => void = () => undefined): Promise<void> {
    const o = this.options;
    mkdirSync(o.dir, { recursive: true });
    for (const b of this.fleet.blocks) for (const h of b.buildings) this.identities.set(h.id, generateIdentity());
    this.plan = districtRoster(this.fleet, this.marketId, this.operator, this.identities, o.pricesAt(o.startMs), timingFor(o.speed), new Date(o.startMs).toISOString());
    const roster = signedRoster(this.plan, this.operator);
    const rosterFile = join(o.dir, 'roster.json');
    writeFileSync(rosterFile, `${JSON.stringify(roster, null, 2)}\n`);

    const users: Record<string, string> = { operator: secret() };
    for (const id of this.plan.gatewayIds) users[id] = secret();
    for (const [u, p] of Object.entries(users)) this.passwords.set(u, p);
    const acl = mosquittoAcl(this.plan.roster);
    onStep('starting the block broker and the operator broker (Mosquitto)');
    this.blockBroker = await startBroker({ dir: join(o.dir, 'broker-block'), users, acl });
    this.operatorBroker = await startBroker({ dir: join(o.dir, 'broker-operator'), users, acl, ...(o.operatorPlain ? {} : { tls: await makeBrokerTls(join(o.dir, 'broker-operator', 'tls'), o.operatorClientCerts ? Object.keys(users) : []) }) });

    onStep('starting nabo operator');
    this.operatorDatabase = o.operatorDatabase ?? join(o.dir, 'operator.db');
    await this.startOperator(rosterFile);

    onStep('publishing the signed roster and the day\'s prices');
    await this.publishRetained([
      [marketTopics(this.marketId).roster, canonicalJson(roster)],
      [marketTopics(this.marketId).prices, canonicalJson(signedPriceList(this.plan, this.operator, o.pricesAt, o.startMs - (o.startMs % 900_000), o.startMs + 2 * 86_400_000))],
    ]);

    onStep(`starting the device simulator (${this.plan.gatewayIds.length} buildings)`);
    this.sim = await startSimulator(this.fleet, { clock: this.clock, ...(o.tcpOnly ? { tcpOnly: true } : {}) });
    // Configs and history first: the simulated clock starts only when the gateways can follow it.
    const listing = this.sim.listing({ mode: 'simulated', startAt: new Date(o.startMs).toISOString(), speed: o.speed });
    const prepared: Array<{ g: DistrictGateway; raw: Record<string, unknown> }> = [];
    onStep('writing each building\'s config and its meters\' history of the last days');
    for (const block of listing.blocks) {
      for (const building of block.buildings) {
        const dataDir = join(o.dir, 'gateways', building.id);
        mkdirSync(dataDir, { recursive: true });
        const key = writeKeyFile(join(dataDir, 'identity.key'), this.identities.get(building.id)!);
        if (!key.ok) throw new Error(`${building.id}: ${key.error.detail}`);
        const apiPort = await freeLoopbackPort();
        const raw = districtGatewayConfig(listing, this.fleet, block.id, building, join(o.dir, 'gateways'), {
          marketId: this.marketId,
          operatorPublicKey: this.operator.publicKey,
          rosterFile,
          blockBrokerUrl: this.blockBroker.url,
          operatorBrokerUrl: this.operatorBroker.url,
          ...(this.operatorBroker.tls ? { operatorTls: { caFile: this.operatorBroker.tls.caFile, ...this.operatorBroker.tls.clients[building.id] } } : {}),
          password: users[building.id]!,
          ...(o.revertTimeoutS !== undefined ? { revertTimeoutS: o.revertTimeoutS } : {}),
          apiPort,
          speed: o.speed,
          ...(o.planPublishAt !== undefined ? { planPublishAt: o.planPublishAt } : {}),
          ...(o.control === false ? { control: false } : {}),
        });
        checkedConfig(raw, building.id);
        const market = raw.market as { gridMeterDeviceId: string; pvDeviceId?: string; battery?: { deviceId?: string; capacityWh: number } };
        seedHistory(this.fleet, block.id, building.id, { storeFile: join(dataDir, 'nabo.db'), gridMeterDeviceId: market.gridMeterDeviceId, ...(market.pvDeviceId ? { pvDeviceId: market.pvDeviceId } : {}) }, o.startMs);
        const g: DistrictGateway = { id: building.id, block: block.id, dataDir, configFile: join(dataDir, 'nabo.yaml'), apiPort, gridMeterDeviceId: market.gridMeterDeviceId, pvDeviceId: market.pvDeviceId, batteryDeviceId: market.battery?.deviceId ?? batteryDeviceOf(raw), batteryCapacityWh: market.battery?.capacityWh, proc: undefined, exited: Promise.resolve(null) };
        this.gateways.set(g.id, g);
        prepared.push({ g, raw });
      }
    }
    onStep('starting one gateway process per building');
    // Every gateway holds its clock at the start until the anchor file appears: time moves only
    // once all of them read their meters and are in the market, however slowly they started.
    const anchorFile = join(o.dir, 'clock-anchor.json');
    rmSync(anchorFile, { force: true });
    for (const { g, raw } of prepared) {
      writeFileSync(g.configFile, stringify({ ...raw, clock: { ...(raw.clock as object), anchorFile } }), { mode: 0o600 });
      this.startGateway(g);
    }
    onStep('waiting until every gateway is up and in the market; then the clock starts');
    await this.untilGatewaysReady(o.readyTimeoutMs ?? 180_000);
    this.clock.start();
    writeFileSync(`${anchorFile}.tmp`, JSON.stringify({ anchoredAt: new Date().toISOString() }));
    renameSync(`${anchorFile}.tmp`, anchorFile);
  }

  /** Polls each gateway's API until it answers and its market link is up; fails if one exits first. */
  private async untilGatewaysReady(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const waiting = new Set(this.gateways.values());
    const exited = new Map<string, number | null>();
    for (const g of waiting) void g.exited.then((code) => exited.set(g.id, code));
    while (waiting.size > 0) {
      for (const g of [...waiting]) {
        if (exited.has(g.id)) throw new Error(`gateway ${g.id} exited (${exited.get(g.id)}) while starting; see ${join(g.dataDir, 'gateway.log')}`);
        if (await gatewayReady(g.apiPort)) waiting.delete(g);
      }
      if (waiting.size === 0) break;
      if (performance.now() > deadline) throw new Error(`gateways not up after ${Math.round(timeoutMs / 1000)} s: ${[...waiting].map((g) => g.id).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Starts (or restarts) a gateway's `nabo run`; its log goes to gateway.log in its folder. */
  startGateway(g: DistrictGateway): void {
    const log = createWriteStream(join(g.dataDir, 'gateway.log'), { flags: 'a' });
    const [cmd, ...args] = this.options.nabo;
    const proc = spawn(cmd!, [...args, 'run', '--config', g.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NABO_LOG_LEVEL: 'warn', ...this.options.env, NABO_UPLINK_PASSWORD: this.passwords.get(g.id)! },
    });
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    g.proc = proc;
    g.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  /**
   * Kills a gateway's process outright (SIGKILL: no graceful stop, so nothing hands its battery
   * back) and resolves once it has exited, with the signal that ended it.
   */
  async kill(gatewayId: string): Promise<NodeJS.Signals | null> {
    const g = this.gateways.get(gatewayId);
    if (!g?.proc) throw new Error(`no running gateway ${gatewayId}`);
    const proc = g.proc;
    proc.kill('SIGKILL');
    await g.exited;
    return proc.signalCode;
  }

  private async startOperator(rosterFile: string): Promise<void> {
    const [cmd, ...args] = this.options.nabo;
    const log = createWriteStream(join(this.options.dir, 'operator.log'), { flags: 'a' });
    const proc = spawn(cmd!, [...args, 'operator', 'run', '--broker', this.operatorBroker.url, '--roster', rosterFile, '--database', this.operatorDatabase, '--username', 'operator', '--stats-every-ms', '1000', ...operatorTlsArgs(this.operatorBroker)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NABO_OPERATOR_PASSWORD: this.passwords.get('operator')! },
    });
    proc.stdout?.on('data', (d: Buffer) => (this.operatorLog += d.toString()));
    proc.stderr?.pipe(log, { end: false });
    let pending = '';
    proc.stderr?.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"stats"')) continue;
        try {
          const st = (JSON.parse(line) as { stats: { stored: number; duplicates: number; refused: number } }).stats;
          this.operatorStats = { stored: st.stored, duplicates: st.duplicates, refused: st.refused };
        } catch {
          // a torn line: the next one comes in a second
        }
      }
    });
    this.operatorProc = proc;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`nabo operator did not start in 60 s: ${err}`)), 60_000);
      proc.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('receiving on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nabo operator exited with ${code}: ${err}`));
      });
    });
  }

  /** The operator's retained messages on the block broker. */
  private async publishRetained(messages: Array<[string, string]>): Promise<void> {
    const client = await mqtt.connectAsync(this.blockBroker.url, { username: 'operator', password: this.passwords.get('operator')!, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000 });
    try {
      for (const [topic, payload] of messages) await client.publishAsync(topic, payload, { qos: 1, retain: true });
    } finally {
      await client.endAsync();
    }
  }

  /** Resolves once simulated time reaches `simMs` or the district stops (checked every real 100 ms; `tick` sees each check). */
  async until(simMs: number, tick: (nowMs: number) => void = () => undefined): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      tick(now);
      if (now >= simMs || this.stopping) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Gateways first (each flushes and stops its uplink), then operator, simulator and brokers. */
  async stop(): Promise<string> {
    this.stopping = true;
    await Promise.all([...this.gateways.values()].map(async (g) => (g.proc ? stopProcess(g.proc, 15_000) : undefined)));
    if (this.operatorProc) await stopProcess(this.operatorProc, 15_000);
    this.clock.stop();
    // The simulator's true energy per building and interval, for checking what the gateways metered.
    if (this.sim) writeFileSync(join(this.options.dir, 'truth.json'), JSON.stringify(Object.fromEntries(this.plan.gatewayIds.map((id) => [id, this.sim.intervals.of(id)]))));
    await this.sim?.close();
    await Promise.all([this.blockBroker?.stop(), this.operatorBroker?.stop()]);
    return this.operatorLog;
  }
}

/** The gateway's API answers and its market link is connected. */
async function gatewayReady(apiPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/status`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const status = (await res.json()) as { market?: { connected?: boolean } | null };
    return status.market?.connected === true;
  } catch {
    return false;
  }
}

/** `nabo operator run`'s flags for the operator broker's CA and, when it asks for one, the operator's certificate. */
function operatorTlsArgs(broker: RunningBroker): string[] {
  const tls = broker.tls;
  if (!tls) return [];
  const own = tls.clients.operator;
  return ['--ca', tls.caFile, ...(own ? ['--cert', own.certFile, '--key', own.keyFile] : [])];
}

function secret(): string {
  return randomBytes(18).toString('base64url');
}

/** The battery's device id from a gateway config (read even where nabo does not steer it). */
function batteryDeviceOf(raw: Record<string, unknown>): string | undefined {
  const devices = raw.devices as Array<{ id?: unknown; role?: unknown }> | undefined;
  const id = devices?.find((d) => d.role === 'battery')?.id;
  return typeof id === 'string' ? id : undefined;
}
