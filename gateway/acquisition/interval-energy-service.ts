// Interval energy as a service: at each market interval boundary (plus a grace period for the
// readings around it) every metering device's counters become the interval's energy in the
// store; the service announces the closed interval and each device's energy on the event bus,
// which is where settlement and the uplink pick it up.
import { nextIntervalStart } from '../../core/intervals.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { IntervalEnergyRow } from '../store/intervals.js';
import { IntervalJob } from './interval-job.js';

export interface IntervalEnergyServiceOptions {
  /** Devices whose counters become interval energy, asked at each boundary. */
  meteringDevices: () => readonly string[];
}

export class IntervalEnergyService implements Service {
  readonly name = 'interval-energy';
  private job: IntervalJob | undefined;

  constructor(private readonly options: IntervalEnergyServiceOptions) {}

  get intervals(): IntervalJob {
    if (!this.job) throw new Error('interval energy is not running');
    return this.job;
  }

  start(ctx: ServiceContext): void {
    const { config, clock, store, events } = ctx;
    const intervalMs = config.gateway.intervalMinutes * 60_000;
    const slowest = Math.max(60_000, ...config.devices.map((d) => d.poll.slowMs));
    const job = new IntervalJob(clock, store, {
      intervalMs,
      maxBracketMs: 2 * slowest + 1,
      graceMs: slowest + 5_000,
      deviceIds: this.options.meteringDevices,
      onComputed: (intervalStartMs, rows) => {
        events.emit('intervalClosed', { intervalStartMs, intervalMs });
        for (const row of rows) events.emit('intervalEnergyFinal', energyEvent(row));
      },
    });
    this.job = job;
    job.start();
    ctx.status.provide('intervals', () => ({ intervalMs, computed: job.computed, next: new Date(nextIntervalStart(clock.now(), intervalMs)).toISOString() }));
  }

  stop(): void {
    this.job?.stop();
  }
}

function energyEvent(row: IntervalEnergyRow) {
  return {
    deviceId: row.deviceId,
    intervalStartMs: row.intervalStartMs,
    intervalMs: row.intervalMs,
    importWh: row.importWh,
    exportWh: row.exportWh,
    quality: row.gap ? ('gap' as const) : ('measured' as const),
    gapReason: row.gapReason,
  };
}
