// Interval energy as a service: at each market interval boundary (plus a grace period for the
// readings around it) every metering device's counters become the interval's energy in the
// store; the service announces the closed interval and each device's energy on the event bus,
// which is where settlement and the uplink pick it up.
import type { Service, ServiceContext } from '../services/service.js';
import type { IntervalEnergyRow } from '../store/intervals.js';
import { IntervalJob } from './interval-job.js';

export interface IntervalEnergyServiceOptions {
  /** Devices whose counters become interval energy, asked at each boundary. */
  meteringDevices: () => readonly string[];
  /**
   * Why a device's reading in [fromMs, toMs) cannot count as a plain measurement (an S0 output
   * that saturated, values frozen), or undefined. Such an interval is stored as 'estimated'.
   */
  doubtDuring?: (deviceId: string, fromMs: number, toMs: number) => string | undefined;
  /** Called inside the transaction that writes interval energy: the uplink's records of it commit with the rows. */
  withinWrite?: (rows: readonly IntervalEnergyRow[]) => void;
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
    ctx.status.provide('intervals', () => ({ intervalMs: ctx.config.gateway.intervalMinutes * 60_000, computed: this.job?.computed ?? 0, retrying: this.job?.retrying.map((t) => new Date(t).toISOString()) ?? [] }));
    const { config, clock, store, events } = ctx;
    const intervalMs = config.gateway.intervalMinutes * 60_000;
    const slowest = Math.max(60_000, ...config.devices.map((d) => d.poll.slowMs));
    const hanMeters = config.devices.filter((d) => d.model === 'han').map((d) => d.id);
    // An accelerated clock multiplies the real jitter of I/O and scheduling: allow a real second
    // of it on either side of a boundary, or a busy machine turns every late read into a gap.
    const jitterMs = config.clock.mode === 'simulated' ? Math.max(0, config.clock.speed - 1) * 1000 : 0;
    const job = new IntervalJob(clock, store, {
      intervalMs,
      maxBracketMs: 2 * slowest + 1 + 2 * jitterMs,
      graceMs: slowest + 5_000 + jitterMs,
      deviceIds: this.options.meteringDevices,
      // HAN meters send counters hourly: their quarters are estimated from power, then reconciled.
      estimate: { deviceIds: () => hanMeters, maxPowerGapMs: 60_000 },
      review: (row) => this.doubted(row),
      ...(this.options.withinWrite ? { withinWrite: this.options.withinWrite } : {}),
      onRow: (row) => events.emit('intervalEnergyFinal', energyEvent(row)),
      onComputed: (intervalStartMs) => events.emit('intervalClosed', { intervalStartMs, intervalMs }),
      onError: (err, intervalStartMs) => {
        ctx.log.error({ err, interval: new Date(intervalStartMs).toISOString() }, 'interval energy not computed; retried at the next boundary');
        events.emit('alarm', { code: 'interval-energy-failed', severity: 'warning', message: `interval ${new Date(intervalStartMs).toISOString()} not computed: ${(err as Error).message}`, atMs: clock.now() });
      },
    });
    this.job = job;
    job.start();
  }

  stop(): void {
    this.job?.stop();
  }

  /** A measured row of a device whose reading was in doubt during the interval is rewritten as 'estimated', with the reason. */
  private doubted(row: IntervalEnergyRow): IntervalEnergyRow {
    if (row.quality !== 'measured') return row;
    const why = this.options.doubtDuring?.(row.deviceId, row.intervalStartMs, row.intervalStartMs + row.intervalMs);
    return why ? { ...row, quality: 'estimated', gapReason: why } : row;
  }
}

function energyEvent(row: IntervalEnergyRow) {
  return {
    deviceId: row.deviceId,
    intervalStartMs: row.intervalStartMs,
    intervalMs: row.intervalMs,
    importWh: row.importWh,
    exportWh: row.exportWh,
    quality: row.quality,
    gapReason: row.gapReason,
  };
}
