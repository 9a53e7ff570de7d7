// Energy per market interval from a meter's counters (never from integrating power): the
// counter at each interval boundary, interpolated between the two readings around it, rounded
// to whole Wh; an interval's energy is the difference of its two boundary values, so intervals
// add up exactly to the counter's own difference. An interval is a gap, not a zero, when a
// boundary has no readings close enough around it or the counter went backwards inside it.

export interface CounterSample {
  atMs: number;
  /** Cumulative counter, Wh. */
  valueWh: number;
}

export interface IntervalEnergy {
  intervalStartMs: number;
  intervalMs: number;
  /** Whole Wh, or null where the interval is a gap. */
  energyWh: number | null;
  gap: boolean;
  gapReason?: 'no-reading-at-start' | 'no-reading-at-end' | 'counter-went-backwards';
}

/**
 * The counter at `atMs`, interpolated between the last reading at or before it and the first
 * after it, when they lie no more than `maxBracketMs` apart; undefined otherwise.
 */
export function counterAt(samples: ReadonlyArray<CounterSample>, atMs: number, maxBracketMs: number): number | undefined {
  let lo = 0;
  let hi = samples.length - 1;
  if (hi < 0) return undefined;
  // Last sample with atMs <= target.
  let before = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as CounterSample).atMs <= atMs) {
      before = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (before < 0) return undefined;
  const a = samples[before] as CounterSample;
  if (a.atMs === atMs) return a.valueWh;
  const b = samples[before + 1];
  if (!b || b.atMs - a.atMs > maxBracketMs || b.valueWh < a.valueWh) return undefined;
  return a.valueWh + ((b.valueWh - a.valueWh) * (atMs - a.atMs)) / (b.atMs - a.atMs);
}

/** True when the counter drops anywhere from the reading before `fromMs` to `toMs`. */
export function wentBackwards(samples: ReadonlyArray<CounterSample>, fromMs: number, toMs: number): boolean {
  let prev: number | undefined;
  for (const s of samples) {
    if (s.atMs < fromMs) {
      prev = s.valueWh;
      continue;
    }
    if (s.atMs > toMs) break;
    if (prev !== undefined && s.valueWh < prev) return true;
    prev = s.valueWh;
  }
  return false;
}

/** Energies of the intervals starting at `intervalStarts`, from samples sorted by time. */
export function intervalEnergies(
  samples: ReadonlyArray<CounterSample>,
  intervalStarts: ReadonlyArray<number>,
  intervalMs: number,
  maxBracketMs: number,
): IntervalEnergy[] {
  return intervalStarts.map((start) => {
    const end = start + intervalMs;
    if (wentBackwards(samples, start, end)) return { intervalStartMs: start, intervalMs, energyWh: null, gap: true, gapReason: 'counter-went-backwards' };
    const a = counterAt(samples, start, maxBracketMs);
    if (a === undefined) return { intervalStartMs: start, intervalMs, energyWh: null, gap: true, gapReason: 'no-reading-at-start' };
    const b = counterAt(samples, end, maxBracketMs);
    if (b === undefined) return { intervalStartMs: start, intervalMs, energyWh: null, gap: true, gapReason: 'no-reading-at-end' };
    return { intervalStartMs: start, intervalMs, energyWh: Math.round(b) - Math.round(a), gap: false };
  });
}
