// One gateway process of the 9-process market test: a MarketService on its own SimulatedClock
// anchored to the same real instant as its siblings, its own SQLite store and MQTT client. The
// building is device-sim physics: the forecast reads its past interval energies, and after each
// interval its true grid energy (whole Wh, as a meter counts) arrives as intervalEnergyFinal.
// Prints one JSON line per event (ready, final, grid-only) on stdout; SIGTERM stops it.
import { BuildingPhysics } from '../../../device-sim/physics/building-physics.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';
import { RealClock, SimulatedClock } from '../../../gateway/clock/clock.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { marketConfigSchema } from '../../../gateway/market/config.js';
import { forecastConsumption, forecastPv } from '../../../gateway/market/forecast.js';
import { MarketService } from '../../../gateway/market/market-service.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { identityOf } from './market-fixtures.js';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface Args {
  gatewayId: string;
  dataDir: string;
  brokerUrl: string;
  password: string;
  marketId: string;
  operatorPublicKey: string;
  simStartMs: number;
  speed: number;
  seed: number;
  kWp: number;
}

const args = JSON.parse(process.argv[2]!) as Args;
const INTERVAL_MS = 900_000;
const HISTORY_MS = 3 * 86_400_000;
// Truth on the interval grid: intervals are aligned to the epoch.
const TRUTH_START = Math.floor((args.simStartMs - HISTORY_MS) / INTERVAL_MS) * INTERVAL_MS;

// The building's truth from 3 days before the start: history for the forecast, meter values after.
const physics = new BuildingPhysics(
  { id: args.gatewayId, seed: args.seed, load: { profile: 'household' }, ...(args.kWp > 0 ? { pv: { kWp: args.kWp } } : {}) },
  { weather: new SiteWeather(TRONDHEIM, 42), gridSeed: 42, startMs: TRUTH_START, stepMs: 60_000 },
);
const load = new Map<number, number>();
const pv = new Map<number, number>();
const grid = new Map<number, { importWh: number; exportWh: number }>();
let truthUntil = TRUTH_START;
let prev = physics.truth().energy;
function truthTo(untilMs: number): void {
  for (; truthUntil < untilMs; truthUntil += INTERVAL_MS) {
    physics.advanceTo(truthUntil + INTERVAL_MS);
    const now = physics.truth().energy;
    load.set(truthUntil, Math.round(now.loadWh - prev.loadWh));
    pv.set(truthUntil, Math.round(now.pvWh - prev.pvWh));
    // Meters count whole Wh: the interval energy is the difference of floored counters.
    grid.set(truthUntil, { importWh: Math.floor(now.gridImportWh) - Math.floor(prev.gridImportWh), exportWh: Math.floor(now.gridExportWh) - Math.floor(prev.gridExportWh) });
    prev = now;
  }
}
truthTo(args.simStartMs);

// Loaded and ready: the parent answers with the real instant at which simulated time reads simStartMs.
process.stdout.write(`${JSON.stringify({ event: 'loaded', gatewayId: args.gatewayId })}\n`);
const anchorRealMs = await new Promise<number>((resolve) => createInterface({ input: process.stdin }).once('line', (line) => resolve(Number(line))));
const clock = new SimulatedClock({ startMs: args.simStartMs + (new RealClock().now() - anchorRealMs) * args.speed, speed: args.speed });
clock.start();
const store = Store.open(join(args.dataDir, `${args.gatewayId}.db`));
// Listener failures go to stderr (the parent shows them).
const events = new EventBus(createLogger({ level: 'error', pretty: false }));
events.on('alarm', (a) => process.stdout.write(`${JSON.stringify({ event: 'alarm', gatewayId: args.gatewayId, code: a.code, message: a.message })}\n`));
const market = marketConfigSchema.parse({
  enabled: true,
  marketId: args.marketId,
  operatorPublicKey: args.operatorPublicKey,
  broker: { url: args.brokerUrl, username: args.gatewayId, password: args.password },
  gridMeterDeviceId: 'grid-meter',
  orderLeadMs: 120_000,
});
events.on('intervalEnergyFinal', (e) => process.stdout.write(`${JSON.stringify({ event: 'energy', gatewayId: args.gatewayId, intervalStartMs: e.intervalStartMs })}\n`));
const service = new MarketService({
  market,
  identity: identityOf(args.gatewayId),
  forecast: (T) => {
    const known = T - INTERVAL_MS;
    const consumptionWh = forecastConsumption(load, known, [T], { intervalMs: INTERVAL_MS })[0]!;
    const pvWh = args.kWp > 0 ? forecastPv(pv, known, [T], { intervalMs: INTERVAL_MS, site: TRONDHEIM })[0]! : 0;
    return { consumptionWh, pvWh };
  },
});
const reported = new Set<number>();
const settled = new Set<number>();
service.onUpdate(() => {
  for (const T of reported) {
    if (settled.has(T) || service.store.settlements(T).length === 0) continue;
    settled.add(T);
    process.stdout.write(`${JSON.stringify({ event: 'settled', gatewayId: args.gatewayId, intervalStartMs: T })}\n`);
  }
  for (let T = Math.floor(clock.now() / INTERVAL_MS) * INTERVAL_MS - 2 * INTERVAL_MS; T <= clock.now() + INTERVAL_MS; T += INTERVAL_MS) {
    const r = service.round(T);
    if (!r || r.status === 'open' || reported.has(T)) continue;
    reported.add(T);
    process.stdout.write(`${JSON.stringify({ event: r.status, gatewayId: args.gatewayId, intervalStartMs: T, resultHash: r.certificate?.resultHash ?? null, reason: r.reason })}\n`);
  }
});
// Each simulated minute: keep the truth up to the current interval (the forecast only reads
// intervals before T − interval), and a minute after each interval ends report its true energy,
// whole Wh, as the acquisition would.
let energyReportedUntil = Math.floor(clock.now() / INTERVAL_MS) * INTERVAL_MS;
clock.setInterval(() => {
  const current = Math.floor(clock.now() / INTERVAL_MS) * INTERVAL_MS;
  truthTo(current);
  for (; energyReportedUntil + INTERVAL_MS + 60_000 <= clock.now(); energyReportedUntil += INTERVAL_MS) {
    const g = grid.get(energyReportedUntil);
    if (g) events.emit('intervalEnergyFinal', { deviceId: 'grid-meter', intervalStartMs: energyReportedUntil, intervalMs: INTERVAL_MS, importWh: g.importWh, exportWh: g.exportWh, quality: 'measured', gapReason: null });
  }
}, 60_000);

await service.start({ config: configSchema.parse({ version: 1, gateway: { id: args.gatewayId, dataDir: args.dataDir } }), clock, log: createLogger({ level: 'error', pretty: false }), store, events, status: new StatusBoard() });
process.stdout.write(`${JSON.stringify({ event: 'ready', gatewayId: args.gatewayId, simNowMs: clock.now() })}\n`);
process.once('SIGTERM', () => {
  void service.stop().then(() => {
    clock.stop();
    store.close();
    process.exit(0);
  });
});
