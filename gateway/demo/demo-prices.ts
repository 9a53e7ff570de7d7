// The demo's grid prices by interval: the Norwegian defaults of norwegian-defaults.ts (NO3
// spot, Tensio's energiledd, feed-in at spot) for the traded day and the days around it, so
// the meters' warm-up before midnight and the settlement after it have prices too.
import { DEMO_TIME_ZONE, demoGridPrices, PRICE_SOURCES, type IntervalGridPrices } from './norwegian-defaults.js';
import type { PricesAt } from './district-setup.js';
import { zoneOffsetMs } from '../../core/time-zone.js';

export { DEMO_TIME_ZONE };

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Midnight of a local calendar day in the demo's time zone, epoch ms. */
export function localMidnightMs(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at local midnight: try the offset at UTC midnight, then correct once (DST edges).
  const guess = utcMidnight - zoneOffsetMs(DEMO_TIME_ZONE, utcMidnight);
  return utcMidnight - zoneOffsetMs(DEMO_TIME_ZONE, guess);
}

export interface DemoPrices {
  pricesAt: PricesAt;
  /** The prices of the intervals in [fromMs, toMs), in order. */
  between(fromMs: number, toMs: number): IntervalGridPrices[];
  sources: { spot: string; tariff: string; feedIn: string };
}

export function demoPrices(date: string): DemoPrices {
  const all = [-1, 0, 1, 2].flatMap((d) => demoGridPrices({ date: addDays(date, d) }));
  const byStart = new Map(all.map((p) => [Date.parse(p.intervalStart), p]));
  const at = (t: number): IntervalGridPrices => {
    const p = byStart.get(t - (t % 900_000));
    if (!p) throw new Error(`no demo price for ${new Date(t).toISOString()}`);
    return p;
  };
  return {
    pricesAt: (t) => {
      const p = at(t);
      return { importMinorPerKWh: p.gridImportPriceMinorPerKWh, tariffMinorPerKWh: p.gridTariffMinorPerKWh, exportMinorPerKWh: p.gridExportPriceMinorPerKWh };
    },
    between: (fromMs, toMs) => all.filter((p) => Date.parse(p.intervalStart) >= fromMs && Date.parse(p.intervalStart) < toMs),
    sources: { spot: PRICE_SOURCES[0]!.source, tariff: PRICE_SOURCES[1]!.source, feedIn: PRICE_SOURCES[2]!.source },
  };
}
