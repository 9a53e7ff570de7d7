// The gateway daemon (`nabo run`): reads, checks and stores until stopped. It starts even when
// every device is absent (the buses keep retrying and the log says so), flushes what it holds
// on stop, and stops within a bounded time.
import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Clock, TimerHandle } from './clock/clock.js';
import type { NaboConfig } from './config/schema.js';
import type { Logger } from './log/logger.js';
import { Store } from './store/store.js';
import { Acquisition } from './acquisition/acquisition.js';
import { buildGateway, closeBuses, openBuses, type BuiltGateway } from './acquisition/build.js';
import { IntervalJob } from './acquisition/interval-job.js';
import { PushWatchdog } from './acquisition/push-watchdog.js';

export interface GatewayHandle {
  store: Store;
  acquisition: Acquisition;
  built: BuiltGateway;
  intervals: IntervalJob;
  /** Devices and buses as the HTTP API and metrics will show them. */
  health(): ReturnType<Acquisition['health']['snapshot']>;
  stop(): Promise<void>;
}

export function storePath(config: NaboConfig): string {
  return isAbsolute(config.store.path) ? config.store.path : join(config.gateway.dataDir, config.store.path);
}

export async function startGateway(config: NaboConfig, clock: Clock, log: Logger): Promise<GatewayHandle> {
  mkdirSync(config.gateway.dataDir, { recursive: true });
  const store = Store.open(storePath(config));
  const acquisition = new Acquisition(clock, store, log);
  const limitsOf = new Map(config.devices.map((d) => [d.id, d.ratedPowerW !== undefined ? { ratedPowerW: d.ratedPowerW } : {}]));
  const built = buildGateway(config, {
    health: acquisition.health,
    pollClock: clock,
    s0StartWh: (deviceId) => {
      const last = (q: string) => store.readings.latestAtOrBefore({ deviceId, quantity: q }, Number.MAX_SAFE_INTEGER)?.value;
      return last('energyImportWh') ?? last('pvEnergyWh') ?? 0;
    },
    onPushed: (deviceId, busId, frame) => {
      acquisition.health.recordSuccess(deviceId, busId, clock.now(), 0);
      acquisition.accept(deviceId, busId, clock.now(), frame, limitsOf.get(deviceId) ?? {});
    },
  });
  for (const u of built.unsupported) log.error({ deviceId: u.deviceId }, `device not read: ${u.reason}`);
  const failures = await openBuses(built);
  for (const f of failures) log.warn({ busId: f.busId }, `bus not open yet, retrying in the background: ${f.error}`);
  for (const { device, config: d } of built.polled) acquisition.addPolled({ device, fastMs: d.poll.fastMs, slowMs: d.poll.slowMs, limits: limitsOf.get(d.id) ?? {} });

  const intervalMs = (config.market?.intervalMinutes ?? 15) * 60_000;
  const slowest = Math.max(60_000, ...config.devices.map((d) => d.poll.slowMs));
  const intervals = new IntervalJob(clock, store, {
    intervalMs,
    maxBracketMs: 2 * slowest + 1,
    graceMs: slowest + 5_000,
    deviceIds: () => acquisition.latestReadings().filter((r) => r.values.energyImportWh !== undefined || r.values.energyExportWh !== undefined).map((r) => r.deviceId),
  });
  intervals.start();
  const pushed = [...built.buses.values()].flatMap((b) => (b.kind === 'push' && b.deviceId ? [{ deviceId: b.deviceId, busId: b.config.id }] : []));
  // HAN meters push every 2-10 s and P1 meters every 1-10 s: a minute without a frame is silence.
  const watchdog = new PushWatchdog(clock, acquisition.health, log, pushed, { silentAfterMs: 60_000 });
  watchdog.start();

  const health = (): ReturnType<Acquisition['health']['snapshot']> => {
    for (const bus of built.buses.values()) {
      const h = acquisition.health.bus(bus.config.id);
      h.connected = bus.port.connected;
      h.reconnects = 'reconnects' in bus.port ? bus.port.reconnects : 0;
      h.queueDepth = 'queue' in bus ? bus.queue.depth : 0;
    }
    return acquisition.health.snapshot();
  };
  const timers: TimerHandle[] = [];
  timers.push(
    clock.setInterval(() => {
      try {
        store.readings.flush();
      } catch (err) {
        log.error({ err }, 'flush failed; readings kept for the next try');
      }
    }, config.store.flushIntervalMs),
  );
  timers.push(
    clock.setInterval(() => {
      const r = store.prune(clock.now(), { rawRetentionDays: config.store.rawRetentionDays, aggregateRetentionDays: config.store.aggregateRetentionDays });
      if (r.readingsDeleted + r.aggregatesDeleted > 0) log.info(r, 'retention pruned old rows');
    }, 3_600_000),
  );
  timers.push(
    clock.setInterval(() => {
      const snap = health();
      log.info({ devices: snap.devices.map((d) => ({ id: d.deviceId, reads: d.reads, errors: d.errorsByKind, lastSuccess: d.lastSuccessMs && new Date(d.lastSuccessMs).toISOString() })), buses: snap.buses }, 'health');
    }, 60_000),
  );
  log.info({ gateway: config.gateway.id, devices: built.polled.length, buses: built.buses.size, store: storePath(config) }, 'gateway started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const t of timers) clock.clear(t);
      intervals.stop();
      watchdog.stop();
      await acquisition.stop();
      await closeBuses(built);
      store.close();
      log.info('gateway stopped; readings flushed');
    })();
    return stopping;
  };
  return { store, acquisition, built, intervals, health, stop };
}
