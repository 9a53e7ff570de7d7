// What the market and control are worth, measured on two runs of the same simulated day (same
// seed, date, hours, speed): one with batteries read but never steered (`--no-control`) and one
// with control. Three costs per building and for the district: alone on the grid (the no-control
// run's metered energy priced at retail + tariff and feed-in: battery on self-consumption, no
// neighbours), the market without control, and the market with control. Pure: the one place this
// arithmetic lives, for `nabo demo --value`, the report and `npm run bench:value`. An interval
// that is a gap (no metering) in either run is left out of all four costs, so a run that lost
// some metering on a busy machine does not look cheaper for it.
import { fail, ok, type Result } from '../../core/result.js';
import { costAloneMinor, costWithMarketMinor } from './summary-totals.js';
import type { Summary, SummarySeriesPoint } from './summary.js';

/**
 * Per building and for the district (summary.json's `value`, docs/demo.md): aloneMinor = the
 * no-control run's cost alone, marketMinor = its cost with the market, marketControlMinor = the
 * control run's cost with the market, controlAloneMinor = the control run's cost alone (for
 * reference); each over the intervals metered in both runs (excludedIntervals: the others).
 */
export type DemoValue = NonNullable<Summary['value']>;
export type ValueCosts = Pick<DemoValue['district'], 'aloneMinor' | 'marketMinor' | 'marketControlMinor' | 'controlAloneMinor'>;

const COST_KEYS = ['aloneMinor', 'marketMinor', 'marketControlMinor', 'controlAloneMinor'] as const;

/** The point as a gap: 0 energy, the trade kept (as buildingSeries marks one). */
function asGap(p: SummarySeriesPoint): SummarySeriesPoint {
  return { ...p, consumptionWh: 0, pvWh: 0, importWh: 0, exportWh: 0, batteryWh: 0, gap: true };
}

/** Energy left in the building's battery at the day's end (Wh, null when not read; undefined without a battery). */
function storedEndWh(b: Summary['buildings'][number]): number | null | undefined {
  if (!b.battery) return undefined;
  return b.battery.socEndPercent === null ? null : Math.round((b.battery.socEndPercent / 100) * b.battery.capacityWh);
}

/** Saving against a base as a share of the base's size: (base − cost) / |base|; null when the base is 0. */
export function savingShare(baseMinor: number, costMinor: number): number | null {
  if (baseMinor === 0) return null;
  return (baseMinor - costMinor) / Math.abs(baseMinor);
}

/** Σ of several days' (or buildings') costs. */
export function sumCosts(rows: readonly ValueCosts[]): ValueCosts {
  const out: ValueCosts = { aloneMinor: 0, marketMinor: 0, marketControlMinor: 0, controlAloneMinor: 0 };
  for (const r of rows) for (const k of COST_KEYS) out[k] += r[k];
  return out;
}

/**
 * The value section from the two summaries; fails when they are not the same day of the same
 * district (date, seed, intervals, buildings), since then the costs would not compare.
 */
export function demoValue(withoutControl: Summary, withControl: Summary, withoutControlProblems: readonly string[] = []): Result<DemoValue, 'incomparable'> {
  const a = withoutControl.district;
  const b = withControl.district;
  if (a.date !== b.date || a.seed !== b.seed || a.marketId !== b.marketId) return fail('incomparable', `not the same day: ${a.marketId} ${a.date} seed ${a.seed} against ${b.marketId} ${b.date} seed ${b.seed}`);
  const starts = (s: Summary): string => s.intervals.map((i) => i.intervalStart).join(',');
  if (starts(withoutControl) !== starts(withControl)) return fail('incomparable', `not the same intervals: ${withoutControl.intervals.length} against ${withControl.intervals.length}`);
  const ids = (s: Summary): string => s.buildings.map((x) => `${x.block}/${x.id}`).join(',');
  if (ids(withoutControl) !== ids(withControl)) return fail('incomparable', `not the same buildings: ${ids(withoutControl)} against ${ids(withControl)}`);
  const buildings = withControl.buildings.map((c, k) => {
    const n = withoutControl.buildings[k]!;
    const both = (k2: number): boolean => n.series[k2]?.gap !== true && c.series[k2]?.gap !== true;
    const nSeries = n.series.map((p, j) => (both(j) ? p : asGap(p)));
    const cSeries = c.series.map((p, j) => (both(j) ? p : asGap(p)));
    return {
      id: c.id,
      block: c.block,
      aloneMinor: costAloneMinor(nSeries, withoutControl.intervals, n.block),
      marketMinor: costWithMarketMinor(nSeries, withoutControl.intervals, n.block),
      marketControlMinor: costWithMarketMinor(cSeries, withControl.intervals, c.block),
      controlAloneMinor: costAloneMinor(cSeries, withControl.intervals, c.block),
      excludedIntervals: c.series.filter((_, j) => !both(j)).length,
      storedEndWithoutControlWh: storedEndWh(n),
      storedEndWithControlWh: storedEndWh(c),
    };
  });
  // The district's stored energy only where every battery was read in both runs: otherwise unknown.
  const storedSum = (key: 'storedEndWithoutControlWh' | 'storedEndWithControlWh'): number | null | undefined => {
    const withBattery = buildings.filter((b) => b.storedEndWithoutControlWh !== undefined || b.storedEndWithControlWh !== undefined);
    if (withBattery.length === 0) return undefined;
    if (withBattery.some((b) => b[key] === null)) return null;
    return withBattery.reduce((a, b) => a + (b[key] ?? 0), 0);
  };
  return ok({
    withoutControl: { intervals: withoutControl.intervals.length, finalIntervals: withoutControl.intervals.filter((i) => i.final).length, problems: [...withoutControlProblems] },
    district: { ...sumCosts(buildings), excludedIntervals: buildings.reduce((a, b) => a + b.excludedIntervals, 0), storedEndWithoutControlWh: storedSum('storedEndWithoutControlWh'), storedEndWithControlWh: storedSum('storedEndWithControlWh') },
    buildings,
  });
}
