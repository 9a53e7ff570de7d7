// What a district run produced, read back from each gateway's store (opened read-only next to
// the running daemons) with the summary pipeline of summary-totals / market-intervals /
// building-series, plus the operator's counts and each gateway's anchor batches: the demo's
// summary.json (docs/demo.md), checked by its own schema before anyone sees it.
import { join } from 'node:path';
import type { Result } from '../../core/result.js';
import { MarketStore } from '../market/market-store.js';
import type { Roster } from '../market/roster.js';
import { Store } from '../store/store.js';
import { buildingSeries } from './building-series.js';
import { summaryInterval } from './market-intervals.js';
import type { IntervalGridPrices } from './norwegian-defaults.js';
import { blockSummaries, buildingSummary, districtTotals } from './summary-totals.js';
import { parseSummary, type Summary } from './summary.js';

export interface CollectInput {
  roster: Roster;
  gateways: ReadonlyArray<{ id: string; block: string; dataDir: string; gridMeterDeviceId: string; pvDeviceId?: string | undefined; batteryDeviceId?: string | undefined; batteryCapacityWh?: number | undefined }>;
  /** The traded intervals' grid prices, in order. */
  prices: readonly IntervalGridPrices[];
  operator: Summary['operator'];
  district: Pick<Summary['district'], 'date' | 'timeZone' | 'seed' | 'speed' | 'sources'>;
}

/** The battery's state of charge at the first and last minute of the summarised intervals, as read. */
function batteryDay(store: Store, deviceId: string, capacityWh: number, intervals: ReadonlyArray<{ intervalStart: string }>, intervalMs: number): NonNullable<Summary['buildings'][number]['battery']> {
  if (intervals.length === 0) return { capacityWh, socStartPercent: null, socEndPercent: null };
  const fromMs = Date.parse(intervals[0]!.intervalStart);
  const toMs = Date.parse(intervals[intervals.length - 1]!.intervalStart) + intervalMs;
  const key = { deviceId, quantity: 'socPercent' };
  // Within a quarter hour of either end, or not known.
  const start = store.readings.range(key, fromMs, fromMs + intervalMs)[0];
  const end = store.readings.latestAtOrBefore(key, toMs);
  return { capacityWh, socStartPercent: start?.value ?? null, socEndPercent: end && toMs - end.atMs <= intervalMs ? end.value : null };
}

export function collectSummary(input: CollectInput): Result<Summary, 'invalid-summary'> {
  const intervalMs = input.roster.parameters.intervalMinutes * 60_000;
  const stores = input.gateways.map((g) => Store.open(join(g.dataDir, 'nabo.db'), { readonly: true, check: false }));
  try {
    const markets = input.gateways.map((g, i) => ({ gatewayId: g.id, market: new MarketStore(stores[i]!) }));
    const intervals = input.prices.map((p) =>
      summaryInterval(Date.parse(p.intervalStart), markets, input.roster, { gridPriceMinorPerKWh: p.gridImportPriceMinorPerKWh + p.gridTariffMinorPerKWh, feedInPriceMinorPerKWh: p.gridExportPriceMinorPerKWh }),
    );
    const buildings = input.gateways.map((g, i) => {
      // A battery without energy counters (SunSpec model 124 has none) has no interval energy: its
      // building's consumption then includes what the battery charged, rather than every interval a gap.
      const batteryMetered = g.batteryDeviceId !== undefined && stores[i]!.db.prepare('SELECT 1 FROM interval_energy WHERE device_id = ? LIMIT 1').get(g.batteryDeviceId) !== undefined;
      const devices = { gridMeterDeviceId: g.gridMeterDeviceId, ...(g.pvDeviceId ? { pvDeviceId: g.pvDeviceId } : {}), ...(batteryMetered ? { batteryDeviceId: g.batteryDeviceId } : {}) };
      const summary = buildingSummary(g.id, g.block, buildingSeries(stores[i]!, g.id, devices, intervals, intervalMs), intervals);
      return g.batteryDeviceId !== undefined && g.batteryCapacityWh !== undefined ? { ...summary, battery: batteryDay(stores[i]!, g.batteryDeviceId, g.batteryCapacityWh, intervals, intervalMs) } : summary;
    });
    const blocks = blockSummaries(buildings, intervals);
    const anchors = stores.flatMap((s) => s.db.prepare('SELECT root, leaf_count AS records FROM anchor_batches WHERE leaf_count > 0 ORDER BY batch_id').all() as Array<{ root: string; records: number }>);
    const summary = {
      version: 1,
      district: { marketId: input.roster.marketId, currency: 'NOK', intervalMinutes: input.roster.parameters.intervalMinutes, ...input.district, ...districtTotals(buildings, blocks) },
      intervals,
      buildings,
      blocks,
      operator: input.operator,
      anchors,
    };
    return parseSummary(summary);
  } finally {
    for (const s of stores) s.db.close();
  }
}
