// At every market interval boundary (plus a grace period for the readings around it to
// arrive), turn each metering device's counters into the interval's import/export energy.
import type { Clock, TimerHandle } from '../clock/clock.js';
import { nextIntervalStart } from '../../core/intervals.js';
import type { Store } from '../store/store.js';
import type { IntervalEnergyRow } from '../store/intervals.js';
import { intervalEnergies } from './interval-energy.js';

export interface IntervalJobOptions {
  intervalMs: number;
  /** Devices whose counters are turned into interval energy (asked at each boundary). */
  deviceIds: () => readonly string[];
  /** Readings around a boundary may be at most this far apart to interpolate it. */
  maxBracketMs: number;
  /** Wait after the boundary before computing, so the reading after it has arrived. */
  graceMs: number;
  /** Called after each scheduled computation with the rows just stored. */
  onComputed?: (intervalStartMs: number, rows: IntervalEnergyRow[]) => void;
}

export class IntervalJob {
  private timer: TimerHandle | undefined;
  computed = 0;

  constructor(
    private readonly clock: Clock,
    private readonly store: Store,
    private readonly options: IntervalJobOptions,
  ) {}

  start(): void {
    const schedule = (): void => {
      const now = this.clock.now();
      let due = nextIntervalStart(now - this.options.graceMs, this.options.intervalMs) + this.options.graceMs;
      if (due <= now) due += this.options.intervalMs;
      this.timer = this.clock.setTimeout(() => {
        const boundary = this.clock.now() - this.options.graceMs;
        const startMs = boundary - this.options.intervalMs - (boundary % this.options.intervalMs);
        // Schedule the next one first: a failing computation must not end the job.
        schedule();
        const rows = this.compute(startMs);
        this.options.onComputed?.(startMs, rows);
      }, due - now);
    };
    schedule();
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
  }

  /** Computes (or recomputes) the interval starting at `intervalStartMs` for every device. */
  compute(intervalStartMs: number): IntervalEnergyRow[] {
    const { intervalMs, maxBracketMs } = this.options;
    this.store.readings.flush();
    const from = intervalStartMs - maxBracketMs;
    const to = intervalStartMs + intervalMs + maxBracketMs + 1;
    const rows: IntervalEnergyRow[] = [];
    for (const deviceId of this.options.deviceIds()) {
      const series = (quantity: string) =>
        this.store.readings.range({ deviceId, quantity }, from, to).map((r) => ({ atMs: r.atMs, valueWh: r.value }));
      // A counter the device never reported (an S0 input counting import only) is not metered:
      // its energy is unknown (null), which is no reason to call the other counter's interval a gap.
      const metered = (quantity: string) => this.store.readings.latestAtOrBefore({ deviceId, quantity }, Number.MAX_SAFE_INTEGER) !== undefined;
      const energy = (quantity: string) =>
        metered(quantity) ? intervalEnergies(series(quantity), [intervalStartMs], intervalMs, maxBracketMs)[0] : { energyWh: null, gap: false, gapReason: undefined };
      const imp = energy('energyImportWh');
      const exp = energy('energyExportWh');
      if (!imp || !exp) continue;
      const gap = imp.gap || exp.gap;
      rows.push({
        deviceId,
        intervalStartMs,
        intervalMs,
        importWh: imp.energyWh,
        exportWh: exp.energyWh,
        gap,
        gapReason: gap ? [imp.gapReason && `import: ${imp.gapReason}`, exp.gapReason && `export: ${exp.gapReason}`].filter(Boolean).join('; ') : null,
      });
    }
    this.store.intervals.put(rows);
    this.computed += rows.length;
    return rows;
  }
}
