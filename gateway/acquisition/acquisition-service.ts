// Acquisition as a service: builds the buses and devices of the config, opens the buses
// (retrying in the background when one is not there yet), polls, takes pushed frames, watches
// push meters for silence, and publishes device and bus health on the status board.
import type { Clock } from '../../core/clock.js';
import type { Service, ServiceContext } from '../services/service.js';
import { Acquisition } from './acquisition.js';
import { buildGateway, closeBuses, openBuses, type BuiltGateway } from './build.js';
import type { HealthRegistry } from './health.js';
import { PushWatchdog } from './push-watchdog.js';
import { SunSpecDevice } from './sunspec-device.js';

export type HealthSnapshot = ReturnType<HealthRegistry['snapshot']>;

export interface AcquisitionServiceOptions {
  /** Real time for I/O timeouts and reconnects (default: a real clock). */
  ioClock?: Clock;
}

export class AcquisitionService implements Service {
  readonly name = 'acquisition';
  private current: { acquisition: Acquisition; built: BuiltGateway; watchdog: PushWatchdog } | undefined;

  constructor(private readonly options: AcquisitionServiceOptions = {}) {}

  get acquisition(): Acquisition {
    if (!this.current) throw new Error('acquisition is not running');
    return this.current.acquisition;
  }

  get built(): BuiltGateway {
    if (!this.current) throw new Error('acquisition is not running');
    return this.current.built;
  }

  async start(ctx: ServiceContext): Promise<void> {
    const { config, clock, store, log } = ctx;
    const acquisition = new Acquisition(clock, store, log, { onAlarm: (alarm) => ctx.events.emit('alarm', alarm) });
    acquisition.health.onStateChange = (change) => ctx.events.emit('deviceHealthChanged', change);
    const limitsOf = new Map(config.devices.map((d) => [d.id, d.ratedPowerW !== undefined ? { ratedPowerW: d.ratedPowerW } : {}]));
    const built = buildGateway(config, {
      health: acquisition.health,
      pollClock: clock,
      ...(this.options.ioClock ? { ioClock: this.options.ioClock } : {}),
      s0StartWh: (deviceId) => {
        const last = (q: string) => store.readings.latestAtOrBefore({ deviceId, quantity: q }, Number.MAX_SAFE_INTEGER)?.value;
        return last('energyImportWh') ?? last('pvEnergyWh') ?? 0;
      },
      onPushed: (deviceId, busId, frame) => {
        acquisition.health.recordSuccess(deviceId, busId, clock.now(), 0);
        acquisition.accept(deviceId, busId, clock.now(), frame, limitsOf.get(deviceId) ?? {});
      },
    });
    const pushed = [...built.buses.values()].flatMap((b) => (b.kind === 'push' && b.deviceId ? [{ deviceId: b.deviceId, busId: b.config.id }] : []));
    // HAN meters push every 2-10 s and P1 meters every 1-10 s: a minute without a frame is silence.
    const watchdog = new PushWatchdog(clock, acquisition.health, log, pushed, { silentAfterMs: 60_000 });
    this.current = { acquisition, built, watchdog };
    for (const u of built.unsupported) log.error({ deviceId: u.deviceId }, `device not read: ${u.reason}`);
    const failures = await openBuses(built);
    for (const f of failures) log.warn({ busId: f.busId }, `bus not open yet, retrying in the background: ${f.error}`);
    for (const { device, config: d } of built.polled) acquisition.addPolled({ device, fastMs: d.poll.fastMs, slowMs: d.poll.slowMs, limits: limitsOf.get(d.id) ?? {} });
    watchdog.start();
    ctx.status.provide('health', () => this.health());
    clock.setInterval(() => {
      const snap = this.health();
      log.info({ devices: snap.devices.map((d) => ({ id: d.deviceId, reads: d.reads, errors: d.errorsByKind, lastSuccess: d.lastSuccessMs && new Date(d.lastSuccessMs).toISOString() })), buses: snap.buses }, 'health');
    }, 60_000);
  }

  /** A running SunSpec device by id (the control service writes through it), if the device is one. */
  sunspecDevice(deviceId: string): SunSpecDevice | undefined {
    const found = this.current?.built.polled.find((p) => p.config.id === deviceId)?.device;
    return found instanceof SunSpecDevice ? found : undefined;
  }

  /** Devices and buses as the API, metrics and logs show them. */
  health(): HealthSnapshot {
    if (!this.current) return { devices: [], buses: [] };
    const { acquisition, built } = this.current;
    for (const bus of built.buses.values()) {
      const h = acquisition.health.bus(bus.config.id);
      h.connected = bus.port.connected;
      h.reconnects = 'reconnects' in bus.port ? bus.port.reconnects : 0;
      h.queueDepth = 'queue' in bus ? bus.queue.depth : 0;
    }
    return acquisition.health.snapshot();
  }

  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.watchdog.stop();
    await current.acquisition.stop();
    await closeBuses(current.built);
  }
}
