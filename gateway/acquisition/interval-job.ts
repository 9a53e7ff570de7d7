// At every market interval boundary (plus a grace period for the readings around it to
// arrive), turn each metering device's counters into the interval's import/export energy, with
// its quality. Devices listed for estimation (a HAN meter: counters hourly, power every few
// seconds) get integrated power while their counters are still to come ('estimated'), and those
// quarters are rewritten as 'reconciled' once counter readings lie on both sides. An interval
// that holds a counter reset or a meter swap is a gap: the counter on either side of it is a
// different counter, and the energy between the last reading before and the first after is unknown.
import type { Clock, TimerHandle } from '../clock/clock.js';
import { nextIntervalStart } from '../../core/intervals.js';
import type { Store } from '../store/store.js';
import { durableTransaction } from '../store/database.js';
import type { EnergyQuality, IntervalEnergyRow } from '../store/intervals.js';
import { counterAt, intervalEnergies, wentBackwards, type CounterSample } from './interval-energy.js';
import { integratePowerWh, positivePart, reconciledCounterAt, type PowerSample } from './power-energy.js';

export interface PowerEstimateOptions {
  /** Devices whose intervals may be estimated from power while their counters are too sparse. */
  deviceIds: () => readonly string[];
  /** Power readings further apart than this break an estimate (HAN list 2 comes every 10 s). */
  maxPowerGapMs: number;
  /** Counter readings at most this far apart are reconciled across (default 2 h 5 min: one lost list 3 is survived). */
  maxCounterSpanMs?: number;
  /** How far back estimated intervals are revisited for reconciliation (default: the counter span plus two intervals). */
  reconcileWithinMs?: number;
}

export interface IntervalJobOptions {
  intervalMs: number;
  /** Devices whose counters are turned into interval energy (asked at each boundary). */
  deviceIds: () => readonly string[];
  /** Readings around a boundary may be at most this far apart to interpolate it. */
  maxBracketMs: number;
  /** Wait after the boundary before computing, so the reading after it has arrived. */
  graceMs: number;
  /** Called after each scheduled boundary, once its interval has been computed (or failed). */
  onComputed?: (intervalStartMs: number) => void;
  /** Estimation from power for meters with sparse counters (off when absent). */
  estimate?: PowerEstimateOptions;
  /** Each row before it is written (e.g. a measured row whose reading was in doubt becomes 'estimated'). */
  review?: (row: IntervalEnergyRow) => IntervalEnergyRow;
  /** Called inside the transaction that writes the rows: what must commit with them (the uplink's records). */
  withinWrite?: (rows: readonly IntervalEnergyRow[]) => void;
  /** Every row once written, revisions included: where the service emits intervalEnergyFinal. */
  onRow?: (row: IntervalEnergyRow) => void;
  /** A scheduled computation failed (a full or read-only disk); it is retried at the next boundary. */
  onError?: (error: unknown, intervalStartMs: number) => void;
}

/** Failed intervals retried at later boundaries, at most a day of quarters. */
const MAX_RETRIES = 96;

type Counter = 'energyImportWh' | 'energyExportWh';

interface QuantityEnergy {
  energyWh: number | null;
  /** Undefined when the device does not meter this counter at all (energy unknown, not a gap). */
  quality: EnergyQuality | undefined;
  gapReason?: string | undefined;
}

const RANK: Record<EnergyQuality, number> = { measured: 0, reconciled: 1, estimated: 2, gap: 3 };
const worst = (a: EnergyQuality, b: EnergyQuality): EnergyQuality => (RANK[a] >= RANK[b] ? a : b);
const UNMETERED: QuantityEnergy = { energyWh: null, quality: undefined };

export class IntervalJob {
  private timer: TimerHandle | undefined;
  private readonly retry = new Set<number>();
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
        this.computeOrRetry(startMs);
        schedule();
        this.options.onComputed?.(startMs);
      }, due - now);
    };
    schedule();
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
  }

  /** The timer's turn: never throws out of the timer; a failed interval is tried again next time. */
  private computeOrRetry(intervalStartMs: number): void {
    for (const start of [...[...this.retry].sort((a, b) => a - b), intervalStartMs]) {
      try {
        this.compute(start);
        this.retry.delete(start);
      } catch (err) {
        this.retry.add(start);
        if (this.retry.size > MAX_RETRIES) this.retry.delete(Math.min(...this.retry));
        try {
          this.options.onError?.(err, start);
        } catch {
          // The hook is the service's logger; nothing more to do here if it fails too.
        }
      }
    }
  }

  /** Intervals whose computation failed and waits for the next boundary. */
  get retrying(): number[] {
    return [...this.retry].sort((a, b) => a - b);
  }

  /**
   * Computes (or recomputes) the interval starting at `intervalStartMs` for every device and
   * returns the rows written: that interval's first, then earlier estimated intervals that
   * could now be reconciled (or turned out to hold a counter reset).
   */
  compute(intervalStartMs: number): IntervalEnergyRow[] {
    this.store.readings.flush();
    const estimating = new Set(this.options.estimate?.deviceIds() ?? []);
    const devices = [...new Set([...this.options.deviceIds(), ...estimating])];
    const rows: IntervalEnergyRow[] = [];
    for (const deviceId of devices) {
      const row = this.row(deviceId, intervalStartMs, estimating.has(deviceId));
      if (row) rows.push(row);
    }
    const revised: IntervalEnergyRow[] = [];
    const estimate = this.options.estimate;
    if (estimate) {
      const within = estimate.reconcileWithinMs ?? this.counterSpanMs() + 2 * this.options.intervalMs;
      for (const deviceId of estimating) {
        for (const old of this.store.intervals.withQuality(deviceId, 'estimated', intervalStartMs - within, intervalStartMs)) {
          const row = this.row(deviceId, old.intervalStartMs, true);
          if (row && row.quality !== 'estimated') revised.push(row);
        }
      }
    }
    const review = this.options.review;
    const written = review ? [...rows, ...revised].map(review) : [...rows, ...revised];
    const withinWrite = this.options.withinWrite;
    if (withinWrite && written.length > 0)
      durableTransaction(this.store.db, () => {
        this.store.intervals.put(written);
        withinWrite(written);
      });
    else this.store.intervals.put(written);
    this.computed += rows.length;
    if (this.options.onRow) for (const r of written) this.options.onRow(r);
    return written;
  }

  private counterSpanMs(): number {
    return this.options.estimate?.maxCounterSpanMs ?? 2 * 3_600_000 + 5 * 60_000;
  }

  private row(deviceId: string, intervalStartMs: number, estimating: boolean): IntervalEnergyRow | undefined {
    const { intervalMs } = this.options;
    const energy = (quantity: Counter): QuantityEnergy => {
      const reason = this.counterEventIn(deviceId, quantity, intervalStartMs, intervalStartMs + intervalMs);
      const e = estimating ? this.estimatedEnergy(deviceId, quantity, intervalStartMs) : this.measuredEnergy(deviceId, quantity, intervalStartMs);
      if (reason && e.quality !== undefined) return { energyWh: null, quality: 'gap', gapReason: reason };
      return e;
    };
    const imp = energy('energyImportWh');
    const exp = energy('energyExportWh');
    const gap = imp.quality === 'gap' || exp.quality === 'gap';
    const quality = [imp.quality, exp.quality].reduce<EnergyQuality>((q, x) => (x === undefined ? q : worst(q, x)), 'measured');
    return {
      deviceId,
      intervalStartMs,
      intervalMs,
      importWh: imp.energyWh,
      exportWh: exp.energyWh,
      gap,
      gapReason: gap ? [imp.gapReason && `import: ${imp.gapReason}`, exp.gapReason && `export: ${exp.gapReason}`].filter(Boolean).join('; ') : null,
      quality,
    };
  }

  /** 'counter reset' / 'meter replaced' when acquisition re-baselined this counter inside the interval. */
  private counterEventIn(deviceId: string, quantity: Counter, fromMs: number, toMs: number): string | undefined {
    const reasons = new Set<string>();
    for (const e of this.store.counterEvents.within(deviceId, fromMs, toMs)) {
      if (e.kind === 'meter-replaced') reasons.add('meter replaced');
      else if (e.kind === 'reset' && e.quantity === quantity) reasons.add('counter reset');
    }
    return reasons.size > 0 ? [...reasons].join(', ') : undefined;
  }

  private metered(deviceId: string, quantity: string): boolean {
    return this.store.readings.latestAtOrBefore({ deviceId, quantity }, Number.MAX_SAFE_INTEGER) !== undefined;
  }

  /** The counter read for `quantity`: a PV inverter's production counter (pvEnergyWh) is its export. */
  private source(deviceId: string, quantity: Counter): string {
    if (quantity === 'energyExportWh' && !this.metered(deviceId, quantity) && this.metered(deviceId, 'pvEnergyWh')) return 'pvEnergyWh';
    return quantity;
  }

  private counters(deviceId: string, quantity: string, fromMs: number, toMs: number): CounterSample[] {
    return this.store.readings.range({ deviceId, quantity }, fromMs, toMs).map((r) => ({ atMs: r.atMs, valueWh: r.value }));
  }

  private measuredEnergy(deviceId: string, quantity: Counter, intervalStartMs: number): QuantityEnergy {
    const { intervalMs, maxBracketMs } = this.options;
    // A counter the device never reported (an S0 input counting import only) is not metered:
    // its energy is unknown (null), which is no reason to call the other counter's interval a gap.
    const counter = this.source(deviceId, quantity);
    if (!this.metered(deviceId, counter)) return UNMETERED;
    const samples = this.counters(deviceId, counter, intervalStartMs - maxBracketMs, intervalStartMs + intervalMs + maxBracketMs + 1);
    const e = intervalEnergies(samples, [intervalStartMs], intervalMs, maxBracketMs)[0];
    if (!e || e.gap) return { energyWh: null, quality: 'gap', gapReason: e?.gapReason };
    return { energyWh: e.energyWh, quality: 'measured' };
  }

  /** The device's power in the direction of `quantity`: its own import/export power, else the signed total split by sign. */
  private power(deviceId: string, quantity: Counter, fromMs: number, toMs: number): PowerSample[] | undefined {
    const own = quantity === 'energyImportWh' ? 'powerImportW' : 'powerExportW';
    const read = (q: string): PowerSample[] => this.store.readings.range({ deviceId, quantity: q }, fromMs, toMs).map((r) => ({ atMs: r.atMs, powerW: r.value }));
    if (this.metered(deviceId, own)) return read(own);
    if (this.metered(deviceId, 'powerW')) return positivePart(read('powerW'), quantity === 'energyImportWh' ? 1 : -1);
    return undefined;
  }

  private estimatedEnergy(deviceId: string, quantity: Counter, intervalStartMs: number): QuantityEnergy {
    const { intervalMs, maxBracketMs } = this.options;
    const maxPowerGapMs = this.options.estimate?.maxPowerGapMs ?? maxBracketMs;
    const spanMs = Math.max(this.counterSpanMs(), maxBracketMs);
    const endMs = intervalStartMs + intervalMs;
    const hasCounter = this.metered(deviceId, quantity);
    const power = this.power(deviceId, quantity, intervalStartMs - spanMs - maxPowerGapMs, endMs + spanMs + maxPowerGapMs + 1);
    if (!hasCounter && !power) return UNMETERED;
    const counters = hasCounter ? this.counters(deviceId, quantity, intervalStartMs - spanMs, endMs + spanMs + 1) : [];
    if (wentBackwards(counters, intervalStartMs, endMs)) return { energyWh: null, quality: 'gap', gapReason: 'counter-went-backwards' };
    // Each boundary the same way in both intervals that share it, so reconciled quarters telescope.
    const boundary = (atMs: number): { valueWh: number; quality: EnergyQuality } | undefined => {
      const near = counterAt(counters, atMs, maxBracketMs);
      if (near !== undefined) return { valueWh: near, quality: 'measured' };
      if (!power) return undefined;
      const spread = reconciledCounterAt(counters, power, atMs, { maxSpanMs: spanMs, maxPowerGapMs });
      return spread === undefined ? undefined : { valueWh: spread, quality: 'reconciled' };
    };
    const a = boundary(intervalStartMs);
    const b = a && boundary(endMs);
    if (a && b) return { energyWh: Math.round(b.valueWh) - Math.round(a.valueWh), quality: worst(a.quality, b.quality) };
    const integrated = power && integratePowerWh(power, intervalStartMs, endMs, maxPowerGapMs);
    if (integrated !== undefined) return { energyWh: Math.round(integrated), quality: 'estimated' };
    return { energyWh: null, quality: 'gap', gapReason: power ? 'no-power-readings-to-estimate' : a ? 'no-reading-at-end' : 'no-reading-at-start' };
  }
}
