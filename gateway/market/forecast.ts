// Per building, the next intervals' consumption and PV from its own stored interval energy.
// Consumption: persistence (the last complete interval) blended with the time-of-day profile
// of the last days, persistence weighing less the further ahead. PV: the site's clear-sky
// irradiation scaled by the array's factor and the recent clear-sky index (smart persistence,
// fading geometrically towards the last days' mean index further ahead), so night is zero and a clear day after a dull week is foreseen from the morning. Pure: the
// caller reads the store and passes a series.
import { clearSkyPlaneWhPerM2, type PvSite } from './clear-sky-energy.js';

/** Energy per interval start (ms); a missing key or null is a gap. */
export type IntervalSeries = ReadonlyMap<number, number | null>;

export interface ForecastOptions {
  intervalMs: number;
  /** Days of history in the profile (default 7). */
  profileDays?: number;
  /** Persistence weight one step ahead (default 0.6); it halves every `persistenceHalfLifeSteps`. */
  persistenceWeight?: number;
  persistenceHalfLifeSteps?: number;
  /** Lowest value a consumption forecast may take (default 0; -Infinity to forecast a net exchange). */
  floorWh?: number;
  /** Recent intervals whose clear-sky index (actual over envelope) the PV forecast carries on (default 2). */
  pvRatioWindow?: number;
}

const DAY_MS = 86_400_000;

function value(series: IntervalSeries, atMs: number): number | undefined {
  const v = series.get(atMs);
  return v === null || v === undefined || !Number.isFinite(v) ? undefined : v;
}

/** Mean of the same time of day over the last `days` days before `beforeMs`; undefined when none. */
export function profileAt(series: IntervalSeries, targetMs: number, beforeMs: number, days: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (let d = 1; d <= days + 1 && n < days; d++) {
    const t = targetMs - d * DAY_MS;
    if (t >= beforeMs) continue;
    const v = value(series, t);
    if (v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? undefined : sum / n;
}

/** The last complete value before `beforeMs` (searching back a day at most). */
export function lastValue(series: IntervalSeries, beforeMs: number, intervalMs: number): number | undefined {
  for (let t = beforeMs - intervalMs; t >= beforeMs - DAY_MS; t -= intervalMs) {
    const v = value(series, t);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Consumption forecast (Wh) for the intervals starting at `targets`, knowing only intervals
 * that ended by `knownUntilMs`.
 */
export function forecastConsumption(series: IntervalSeries, knownUntilMs: number, targets: readonly number[], options: ForecastOptions): number[] {
  const days = options.profileDays ?? 7;
  const w1 = options.persistenceWeight ?? 0.6;
  const halfLife = options.persistenceHalfLifeSteps ?? 4;
  const floor = options.floorWh ?? 0;
  const last = lastValue(series, knownUntilMs, options.intervalMs);
  return targets.map((t) => {
    const profile = profileAt(series, t, knownUntilMs, days);
    if (last === undefined) return Math.max(floor, Math.round(profile ?? 0));
    if (profile === undefined) return Math.max(floor, Math.round(last));
    const steps = Math.max(1, Math.round((t - knownUntilMs) / options.intervalMs) + 1);
    const w = w1 * 0.5 ** ((steps - 1) / halfLife);
    return Math.max(floor, Math.round(w * last + (1 - w) * profile));
  });
}

/**
 * PV forecast (Wh), "smart persistence": the clear-sky irradiation of the target interval on
 * the array's plane, times the array's factor (Wh per Wh/m², the best ratio seen over the last
 * days), times a clear-sky index: the last intervals' one, fading with the horizon towards the
 * mean index of the last days. Where the sun is too low for a ratio to mean anything the mean
 * index is used.
 */
export function forecastPv(series: IntervalSeries, knownUntilMs: number, targets: readonly number[], options: ForecastOptions & { site: PvSite }): number[] {
  const days = options.profileDays ?? 7;
  const window = options.pvRatioWindow ?? 2;
  const cs = (t: number): number => clearSkyPlaneWhPerM2(options.site, t, options.intervalMs);
  // Array factor and the days' mean index, from intervals with a useful sun (> 25 Wh/m²).
  let factor = 0;
  let sumActual = 0;
  let sumClear = 0;
  for (let t = knownUntilMs - days * DAY_MS; t < knownUntilMs; t += options.intervalMs) {
    const v = value(series, t);
    if (v === undefined) continue;
    const c = cs(t);
    if (c < 25) continue;
    factor = Math.max(factor, v / c);
    sumActual += v;
    sumClear += c;
  }
  if (factor === 0) return targets.map(() => Math.max(0, Math.round(lastValue(series, knownUntilMs, options.intervalMs) ?? 0)));
  const meanIndex = sumActual / (factor * sumClear);
  let actual = 0;
  let clear = 0;
  for (let k = 1; k <= window; k++) {
    const t = knownUntilMs - k * options.intervalMs;
    const v = value(series, t);
    if (v === undefined) continue;
    actual += v;
    clear += factor * cs(t);
  }
  const recentIndex = clear > 20 ? Math.min(1.2, actual / clear) : meanIndex;
  return targets.map((t) => {
    const steps = Math.max(1, Math.round((t - knownUntilMs) / options.intervalMs) + 1);
    // The next two intervals carry the recent index on whole; further ahead it fades towards the
    // days' mean, geometrically: under a heavy overcast (index 0.08) an arithmetic blend with a
    // sunny week's 0.7 forecast half as much again as the sky gave.
    const w = 0.5 ** (Math.max(0, steps - 2) / 8);
    const index = recentIndex > 0 && meanIndex > 0 ? recentIndex ** w * meanIndex ** (1 - w) : w * recentIndex + (1 - w) * meanIndex;
    return Math.max(0, Math.round(factor * cs(t) * index));
  });
}

/** Naive persistence: every target gets the last complete value (the baseline to beat). */
export function forecastPersistence(series: IntervalSeries, knownUntilMs: number, targets: readonly number[], intervalMs: number): number[] {
  const last = lastValue(series, knownUntilMs, intervalMs) ?? 0;
  return targets.map(() => last);
}
