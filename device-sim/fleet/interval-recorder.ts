// The true energy of every market interval (15 minutes by default), per building: the physics
// reports its registers as its integration reaches each interval boundary (whoever advanced it
// there, a gateway's read or the recorder's own timer), so a test can compare the interval
// energies a gateway stored with exactly what flowed, boundary to boundary. Beside the energy,
// the extremes the limits are about (battery and grid power, SoC) at the physics' resolution.
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { BuildingTruth } from '../physics/building-physics.js';
import type { TrueExtremes } from '../physics/limit-watch.js';
import type { SimBuilding } from './fleet-world.js';

type Energy = BuildingTruth['energy'];

export interface TrueInterval {
  /** Interval start and end, epoch ms (the interval is named by its start). */
  startMs: number;
  endMs: number;
  /** Energy over the interval, from the exact registers (with fractions). */
  energyWh: Energy;
  /** The meters' whole-Wh registers at the start and at the end. */
  registersAtStart: Energy;
  registersAtEnd: Energy;
  /** Battery and grid power and SoC extremes over the interval (physics step resolution). */
  extremes?: TrueExtremes;
}

const KEYS: ReadonlyArray<keyof Energy> = ['gridImportWh', 'gridExportWh', 'pvWh', 'loadWh', 'batteryChargeWh', 'batteryDischargeWh'];

interface Mark {
  atMs: number;
  exact: Energy;
  whole: Energy;
}

export class IntervalRecorder {
  private readonly marks = new Map<string, Mark>();
  private readonly intervals = new Map<string, TrueInterval[]>();
  private timer: TimerHandle | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly buildings: readonly SimBuilding[],
    readonly intervalMs = 15 * 60_000,
    /** How many intervals to keep per building (a week of quarters by default). */
    private readonly keep = 7 * 96,
  ) {
    if (!(Number.isInteger(intervalMs) && intervalMs > 0)) throw new Error('IntervalRecorder: intervalMs must be a positive integer');
  }

  /** Starts at the next boundary; the partial interval before it is not recorded. */
  start(): void {
    if (this.timer) return;
    for (const b of this.buildings) {
      const watch = b.physics.watchLimits();
      this.unsubscribe.push(watch.stop);
      this.unsubscribe.push(b.physics.onBoundary(this.intervalMs, (truth) => this.mark(b.id, truth, watch.take())));
    }
    // Nobody may read a building for a while: the timer brings each one up to the boundary.
    const now = this.clock.now();
    const first = Math.ceil(now / this.intervalMs) * this.intervalMs;
    // A building standing exactly on the first boundary will not cross it: mark it there.
    for (const b of this.buildings) if (b.physics.nowMs === first) this.mark(b.id, b.physics.truth(), undefined);
    const onBoundary = (): void => {
      const boundaryMs = Math.floor(this.clock.now() / this.intervalMs) * this.intervalMs;
      for (const b of this.buildings) b.physics.advanceTo(boundaryMs);
    };
    this.timer = this.clock.setTimeout(() => {
      this.timer = this.clock.setInterval(onBoundary, this.intervalMs);
      onBoundary();
    }, first - now);
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  /** Recorded intervals of a building, oldest first. */
  of(buildingId: string): TrueInterval[] {
    return [...(this.intervals.get(buildingId) ?? [])];
  }

  /** `extremes`: since the previous mark (the watch is taken at every mark, so they span exactly this interval). */
  private mark(buildingId: string, truth: BuildingTruth, extremes: TrueExtremes | undefined): void {
    const mark: Mark = { atMs: truth.atMs, exact: truth.exactEnergy, whole: truth.energy };
    const previous = this.marks.get(buildingId);
    this.marks.set(buildingId, mark);
    if (!previous || previous.atMs >= mark.atMs) return;
    const energyWh = {} as Energy;
    for (const k of KEYS) energyWh[k] = mark.exact[k] - previous.exact[k];
    const list = this.intervals.get(buildingId) ?? [];
    list.push({ startMs: previous.atMs, endMs: mark.atMs, energyWh, registersAtStart: previous.whole, registersAtEnd: mark.whole, ...(extremes ? { extremes } : {}) });
    if (list.length > this.keep) list.shift();
    this.intervals.set(buildingId, list);
  }
}
