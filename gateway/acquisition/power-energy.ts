// Interval energy for meters whose counters come too rarely to bracket a quarter (a Norwegian
// HAN meter sends them hourly in list 3, power every 2-10 s): the one place where power is
// integrated. A quarter's estimate is the integral of power over it (quality 'estimated');
// once counter readings lie on both sides, the counter difference between them is spread over
// the time in between in proportion to the integrated power, giving a counter value at every
// boundary (quality 'reconciled'). Adjacent quarters share their boundary value, so whole-Wh
// quarters add up exactly to the counter difference between the readings that bound them.

export interface PowerSample {
  atMs: number;
  powerW: number;
}

export interface CounterPoint {
  atMs: number;
  valueWh: number;
}

const MS_PER_HOUR = 3_600_000;

/** Index of the last sample at or before `atMs`, -1 when none. */
function lastAtOrBefore<T extends { atMs: number }>(samples: ReadonlyArray<T>, atMs: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as T).atMs <= atMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function powerAt(a: PowerSample, b: PowerSample, atMs: number): number {
  if (b.atMs === a.atMs) return a.powerW;
  return a.powerW + ((b.powerW - a.powerW) * (atMs - a.atMs)) / (b.atMs - a.atMs);
}

/**
 * Energy (Wh, unrounded) between `fromMs` and `toMs` by the trapezoid rule over the power
 * samples (sorted by time), or undefined when the samples do not cover the span: none at or
 * before its start, none at or after its end, or two neighbours further apart than `maxGapMs`.
 */
export function integratePowerWh(samples: ReadonlyArray<PowerSample>, fromMs: number, toMs: number, maxGapMs: number): number | undefined {
  if (toMs < fromMs) return undefined;
  const first = lastAtOrBefore(samples, fromMs);
  if (first < 0) return undefined;
  if (toMs === fromMs) return 0;
  let energyWmS = 0;
  for (let i = first; ; i++) {
    const a = samples[i] as PowerSample;
    const b = samples[i + 1];
    if (!b) return a.atMs >= toMs ? energyWmS / MS_PER_HOUR : undefined;
    if (b.atMs - a.atMs > maxGapMs) return undefined;
    const from = Math.max(a.atMs, fromMs);
    const to = Math.min(b.atMs, toMs);
    if (to > from) energyWmS += ((powerAt(a, b, from) + powerAt(a, b, to)) / 2) * (to - from);
    if (b.atMs >= toMs) return energyWmS / MS_PER_HOUR;
  }
}

/** Only the positive part of each sample: import from a signed power (negative is export). */
export function positivePart(samples: ReadonlyArray<PowerSample>, sign: 1 | -1): PowerSample[] {
  return samples.map((s) => ({ atMs: s.atMs, powerW: Math.max(0, sign * s.powerW) }));
}

/**
 * The counter at `atMs` from the counter readings around it (at most `maxSpanMs` apart), with
 * their difference spread over the time between them in proportion to integrated power; falls
 * back to time when no energy was integrated but the counter moved. Undefined when there is no
 * reading on one side, the counter went backwards, or power does not cover the span.
 */
export function reconciledCounterAt(
  counters: ReadonlyArray<CounterPoint>,
  power: ReadonlyArray<PowerSample>,
  atMs: number,
  options: { maxSpanMs: number; maxPowerGapMs: number },
): number | undefined {
  const i = lastAtOrBefore(counters, atMs);
  if (i < 0) return undefined;
  const a = counters[i] as CounterPoint;
  if (a.atMs === atMs) return a.valueWh;
  const b = counters[i + 1];
  if (!b || b.atMs - a.atMs > options.maxSpanMs || b.valueWh < a.valueWh) return undefined;
  const deltaWh = b.valueWh - a.valueWh;
  if (deltaWh === 0) return a.valueWh;
  const total = integratePowerWh(power, a.atMs, b.atMs, options.maxPowerGapMs);
  const part = integratePowerWh(power, a.atMs, atMs, options.maxPowerGapMs);
  if (total === undefined || part === undefined) return undefined;
  const share = total > 0 ? part / total : (atMs - a.atMs) / (b.atMs - a.atMs);
  return a.valueWh + deltaWh * share;
}
