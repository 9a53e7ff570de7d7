// The summary's derived numbers, one rule each, so the demo runner and the tests compute them
// the same way: a building's totals from its series, its cost with the market and alone (the
// same settlement arithmetic as the gateway's, edge-solver/settlement), blocks and district.
import { settleInterval } from '../../edge-solver/settlement/index.js';
import type { Summary, SummaryBlock, SummaryBuilding, SummaryInterval, SummarySeriesPoint } from './summary.js';

type Point = SummarySeriesPoint;
/** The prices a building settles an interval at. */
export type IntervalPrices = Pick<SummaryInterval, 'intervalStart' | 'gridPriceMinorPerKWh' | 'feedInPriceMinorPerKWh'> & { blockPrices: Record<string, number | null> };

/** Share of consumption not drawn from the grid: 1 − gridWh / consumptionWh, within 0..1 (1 with no consumption). */
export function selfSufficiency(consumptionWh: number, gridWh: number): number {
  if (consumptionWh <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - gridWh / consumptionWh));
}

/** One interval of one participant, as the gateway settles it: traded at the block price, the rest with the grid. */
function settleOne(point: Point, block: string, prices: IntervalPrices, withMarket: boolean): number {
  // Unknown metering settles nothing here (the gateway settles it as a gap): in neither cost.
  if (point.gap === true) return 0;
  const tradedWh = withMarket ? point.boughtWh - point.soldWh : 0;
  const clearing = withMarket ? (prices.blockPrices[block] ?? null) : null;
  if (tradedWh !== 0 && clearing === null) throw new Error(`${prices.intervalStart}: block ${block} traded ${tradedWh} Wh without a clearing price`);
  const s = settleInterval({
    blocks: [{ block, clearingPriceMinorPerKWh: clearing ?? 0, gridImportPriceMinorPerKWh: prices.gridPriceMinorPerKWh, gridExportPriceMinorPerKWh: prices.feedInPriceMinorPerKWh }],
    positions: [{ participant: 'p', block, meteredWh: point.importWh - point.exportWh, tradedWh }],
  });
  if (!s.ok) throw new Error(`${prices.intervalStart}: ${s.error.kind}: ${s.error.detail}`);
  return s.value.participants[0]!.totalMinor;
}

function pricesAt(prices: readonly IntervalPrices[], k: number, point: Point): IntervalPrices {
  const p = prices[k];
  if (!p || p.intervalStart !== point.intervalStart) throw new Error(`series point ${k} (${point.intervalStart}) has no prices of its own interval`);
  return p;
}

/**
 * Cost alone: the same metered energy with no market, each interval's net import at retail +
 * tariff and net export at feed-in. Net per interval, as the settlement nets it, so the two
 * costs differ only by what the market changed.
 */
export function costAloneMinor(series: readonly Point[], prices: readonly IntervalPrices[], block: string): number {
  return series.reduce((sum, point, k) => sum + settleOne(point, block, pricesAt(prices, k, point), false), 0);
}

/** Cost with the market: traded energy at the block's clearing price, the imbalance with the grid. */
export function costWithMarketMinor(series: readonly Point[], prices: readonly IntervalPrices[], block: string): number {
  return series.reduce((sum, point, k) => sum + settleOne(point, block, pricesAt(prices, k, point), true), 0);
}

/** A building's summary entry from its series; costMinor may come from the gateway's settlements instead. */
export function buildingSummary(id: string, block: string, series: Point[], prices: readonly IntervalPrices[], costMinor?: number): SummaryBuilding {
  const sum = (key: 'consumptionWh' | 'pvWh' | 'importWh' | 'exportWh' | 'boughtWh' | 'soldWh'): number => series.reduce((a, p) => a + p[key], 0);
  const consumptionWh = sum('consumptionWh');
  const importWh = sum('importWh');
  return {
    id,
    block,
    consumptionWh,
    pvWh: sum('pvWh'),
    importWh,
    exportWh: sum('exportWh'),
    boughtWh: sum('boughtWh'),
    soldWh: sum('soldWh'),
    selfSufficiency: selfSufficiency(consumptionWh, importWh),
    costMinor: costMinor ?? costWithMarketMinor(series, prices, block),
    costAloneMinor: costAloneMinor(series, prices, block),
    series,
  };
}

/** Blocks in first-seen order of their buildings; traded energy and the range of clearing prices from the intervals. */
export function blockSummaries(buildings: readonly SummaryBuilding[], intervals: readonly Pick<SummaryInterval, 'blockPrices' | 'result'>[]): SummaryBlock[] {
  const ids = [...new Set(buildings.map((b) => b.block))];
  return ids.map((blockId) => {
    const members = buildings.filter((b) => b.block === blockId);
    const prices = intervals.flatMap((i) => {
      const p = i.blockPrices[blockId];
      const traded = i.result?.blocks.find((b) => b.id === blockId)?.boughtWh ?? 0;
      return p !== null && p !== undefined && traded > 0 ? [p] : [];
    });
    return {
      id: blockId,
      buildings: members.map((b) => b.id),
      tradedWh: members.reduce((a, b) => a + b.boughtWh, 0),
      priceMinMinorPerKWh: prices.length > 0 ? Math.min(...prices) : null,
      priceMaxMinorPerKWh: prices.length > 0 ? Math.max(...prices) : null,
    };
  });
}

/**
 * The district's totals. Its self-sufficiency counts energy bought from a neighbour as local:
 * 1 − (Σ import − Σ bought) / Σ consumption.
 */
export function districtTotals(buildings: readonly SummaryBuilding[], blocks: readonly SummaryBlock[]): Omit<Summary['district'], 'marketId' | 'date' | 'timeZone' | 'seed' | 'speed' | 'currency' | 'intervalMinutes' | 'sources'> {
  const sum = (key: 'consumptionWh' | 'pvWh' | 'importWh' | 'exportWh' | 'boughtWh' | 'soldWh' | 'costMinor' | 'costAloneMinor'): number => buildings.reduce((a, b) => a + b[key], 0);
  const consumptionWh = sum('consumptionWh');
  return {
    consumptionWh,
    pvWh: sum('pvWh'),
    importWh: sum('importWh'),
    exportWh: sum('exportWh'),
    boughtWh: sum('boughtWh'),
    soldWh: sum('soldWh'),
    selfSufficiency: selfSufficiency(consumptionWh, sum('importWh') - sum('boughtWh')),
    costMinor: sum('costMinor'),
    costAloneMinor: sum('costAloneMinor'),
    tradedWh: blocks.reduce((a, b) => a + b.tradedWh, 0),
  };
}
