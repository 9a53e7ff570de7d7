// A child process of bench:market's multi-process rows: it hosts some of the block's gateways
// (each its own MarketService, MQTT client and SQLite store) on its own simulated clock, and
// follows the parent's steps over IPC: step the clock, wait for the orders, run the clock in
// real time from an agreed instant until its gateways are final, and report what it measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { configSchema } from '../../gateway/config/schema.js';
import { EventBus } from '../../gateway/events/events.js';
import type { GatewayIdentity } from '../../gateway/market/identity.js';
import { createLogger } from '../../gateway/log/logger.js';
import { marketConfigSchema } from '../../gateway/market/config.js';
import { MarketService } from '../../gateway/market/market-service.js';
import { StatusBoard } from '../../gateway/services/service.js';
import { Store } from '../../gateway/store/store.js';
import { passwordOf, testForecast } from '../gateway/market/market-block.js';
import { watchFinals } from './market-watch.js';

export type WorkerCommand =
  | { type: 'init'; brokerUrl: string; marketId: string; operatorPublicKey: string; identities: Array<[string, GatewayIdentity]>; startMs: number; baseline: boolean }
  | { type: 'advanceTo'; ms: number; beginInterval?: boolean }
  | { type: 'orders'; T: number; expect: number }
  | { type: 'run'; T: number; atWallMs: number }
  | { type: 'stop' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'final'; latenciesMs: number[]; hashes: string[]; counters: { published: number; publishedBytes: number; received: number; receivedBytes: number }; cpuMs: number; cpuAfterGateMs: number; voteChecksToFinal: number }
  | { type: 'error'; message: string };

const wallNow = (): number => performance.timeOrigin + performance.now();
const send = (r: WorkerReply): void => void process.send!(r);

let clock: SimulatedClock | undefined;
let dir = '';
const gateways: Array<{ service: MarketService; store: Store }> = [];
let cpuAtBegin = process.cpuUsage();
let countersAtBegin = new Map<MarketService, MarketService['counters']>();

function until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (err?: Error): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`worker ${process.pid}: timed out waiting for ${what}`)), timeoutMs);
    for (const g of gateways) offs.push(g.service.onUpdate(() => predicate() && done()));
  });
}

async function handle(c: WorkerCommand): Promise<void> {
  if (c.type === 'init') {
    dir = mkdtempSync(join(tmpdir(), 'nabo-market-worker-'));
    clock = new SimulatedClock({ startMs: c.startMs, speed: 1 });
    const log = createLogger({ level: 'silent' });
    for (const [id, identity] of c.identities) {
      const store = Store.open(join(dir, `${id}.db`));
      const market = marketConfigSchema.parse({ enabled: true, marketId: c.marketId, operatorPublicKey: c.operatorPublicKey, broker: { url: c.brokerUrl, username: id, password: passwordOf(id), maxPayloadBytes: 64 * 1024 }, gridMeterDeviceId: 'grid-meter' });
      const service = new MarketService({ market, identity, forecast: testForecast(id), ...(c.baseline ? { baseline: true } : {}) });
      await service.start({ config: configSchema.parse({ version: 1, gateway: { id, dataDir: dir } }), clock, log, store, events: new EventBus(), status: new StatusBoard() });
      gateways.push({ service, store });
    }
    await until(() => gateways.every((g) => g.service.connected && g.service.roster !== undefined), 'connected with a roster', 60_000);
    return send({ type: 'ready' });
  }
  if (!clock) throw new Error('not initialised');
  if (c.type === 'advanceTo') {
    if (c.beginInterval) {
      cpuAtBegin = process.cpuUsage();
      countersAtBegin = new Map(gateways.map((g) => [g.service, { ...g.service.counters }]));
    }
    await clock.advanceTo(c.ms);
    return send({ type: 'done' });
  }
  if (c.type === 'orders') {
    await until(() => gateways.every((g) => g.service.ordersHeld(c.T) === c.expect), `${c.expect} orders held`, 60_000);
    return send({ type: 'done' });
  }
  if (c.type === 'run') {
    const c0 = clock;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, c.atWallMs - wallNow())));
    const cpuAtGate = process.cpuUsage();
    const checksAtGate = gateways.reduce((sum, g) => sum + g.service.counters.votesChecked, 0);
    const finalReal = watchFinals(gateways.map((g) => g.service), c.T);
    c0.start();
    // The clock reaches G + skew 20 ms after it starts: latency counts in real ms from there.
    const gateReal = performance.now() + 20;
    await until(() => gateways.every((g) => g.service.round(c.T)?.status === 'final'), `final for ${new Date(c.T).toISOString()}`, 150_000);
    c0.stop();
    const voteChecksToFinal = gateways.reduce((sum, g) => sum + g.service.counters.votesChecked, 0) - checksAtGate;
    const cpu = process.cpuUsage(cpuAtBegin);
    const cpuAfterGate = process.cpuUsage(cpuAtGate);
    const counters = { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 };
    for (const g of gateways) {
      const before = countersAtBegin.get(g.service)!;
      for (const k of Object.keys(counters) as Array<keyof typeof counters>) counters[k] += g.service.counters[k] - before[k];
    }
    return send({
      type: 'final',
      latenciesMs: finalReal.stop().map((ms) => Math.round(ms - gateReal)),
      hashes: gateways.map((g) => g.service.round(c.T)!.certificate!.resultHash),
      counters,
      cpuMs: (cpu.user + cpu.system) / 1000,
      cpuAfterGateMs: (cpuAfterGate.user + cpuAfterGate.system) / 1000,
      voteChecksToFinal,
    });
  }
  if (c.type === 'stop') {
    for (const g of gateways) {
      await g.service.stop();
      g.store.close();
    }
    clock.stop();
    rmSync(dir, { recursive: true, force: true });
    send({ type: 'done' });
    process.exit(0);
  }
}

process.on('message', (c: WorkerCommand) => {
  handle(c).catch((err: Error) => send({ type: 'error', message: err.message }));
});
