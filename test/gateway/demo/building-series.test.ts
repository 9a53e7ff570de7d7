// A building's series[] read from a real gateway store (SQLite in a temp folder) holding the
// interval energy of its grid meter, PV inverter and battery, one interval a gap.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildingSeries } from '../../../gateway/demo/building-series.js';
import { costAloneMinor, costWithMarketMinor } from '../../../gateway/demo/summary-totals.js';
import { intervalsLine } from '../../../gateway/demo/summary-tables.js';
import { parseSummary, type Summary, type SummaryInterval } from '../../../gateway/demo/summary.js';
import type { ClearingResult } from '../../../edge-solver/clearing/index.js';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

const T0 = Date.UTC(2026, 5, 21, 10, 0);
const MS = 900_000;
let store: Store | undefined;
afterEach(() => store?.close());
afterAll(removeTempFolders);

function interval(k: number, result: ClearingResult | null): SummaryInterval {
  return { intervalStart: new Date(T0 + k * MS).toISOString(), final: result !== null, resultHash: result ? 'a'.repeat(64) : null, hashes: {}, book: null, result, blockPrices: { north: result ? 40 : null }, gridPriceMinorPerKWh: 60, feedInPriceMinorPerKWh: 30 };
}

function resultSelling(gatewayId: string, soldWh: number): ClearingResult {
  return {
    intervalStart: new Date(T0 + MS).toISOString().replace('.000Z', 'Z'),
    priceRule: 'midpoint',
    blocks: [],
    lines: [],
    orders: [{ id: `${gatewayId}-1:offer`, participant: gatewayId, block: 'north', side: 'offer', acceptedWh: soldWh, stepsAcceptedWh: [soldWh], amountMinor: 0 }, { id: 'other-1:bid', participant: 'other', block: 'north', side: 'bid', acceptedWh: soldWh, stepsAcceptedWh: [soldWh], amountMinor: 0 }],
    totals: { tradedWh: soldWh, gridImportWh: 0, gridExportWh: 0, gridImportCostMinor: 0, gridExportRevenueMinor: 0, dsoFeeRevenueMinor: 0, welfareMinor: 0 },
  };
}

describe('building series from the gateway store', () => {
  it('takes grid exchange from the meter, PV from the inverter, charge from the battery, consumption as the rest, trades from the result, and marks gaps', () => {
    store = Store.open(join(tempFolder('nabo-demo-series-'), 'gw.db'));
    const row = (deviceId: string, k: number, importWh: number | null, exportWh: number | null) => ({ deviceId, intervalStartMs: T0 + k * MS, intervalMs: MS, importWh, exportWh, gap: importWh === null, gapReason: importWh === null ? 'no counter yet' : null });
    store.intervals.put([
      row('grid', 0, null, null), // the meter's first interval: a gap
      row('grid', 1, 0, 300),
      row('grid', 2, 250, 0),
      row('pv', 0, 0, 400),
      row('pv', 1, 0, 900),
      row('pv', 2, 0, 100),
      row('bat', 0, 0, 0),
      row('bat', 1, 200, 0),
      row('bat', 2, 0, 150),
    ]);
    const intervals = [interval(0, null), interval(1, resultSelling('gw-1', 250)), interval(2, null)];
    const series = buildingSeries(store, 'gw-1', { gridMeterDeviceId: 'grid', pvDeviceId: 'pv', batteryDeviceId: 'bat' }, intervals, MS);
    expect(series).toEqual([
      { intervalStart: intervals[0]!.intervalStart, consumptionWh: 0, pvWh: 0, importWh: 0, exportWh: 0, boughtWh: 0, soldWh: 0, batteryWh: 0, gap: true },
      // 900 PV − 200 into the battery − 300 exported = 400 used.
      { intervalStart: intervals[1]!.intervalStart, consumptionWh: 400, pvWh: 900, importWh: 0, exportWh: 300, boughtWh: 0, soldWh: 250, batteryWh: 200 },
      // 250 imported + 100 PV + 150 from the battery = 500 used.
      { intervalStart: intervals[2]!.intervalStart, consumptionWh: 500, pvWh: 100, importWh: 250, exportWh: 0, boughtWh: 0, soldWh: 0, batteryWh: -150 },
    ]);
    // Without a PV or battery device those count as 0; without the meter's row the interval is a gap.
    const bare = buildingSeries(store, 'gw-1', { gridMeterDeviceId: 'grid' }, [...intervals, interval(3, null)], MS);
    expect(bare[1]).toMatchObject({ consumptionWh: 0, pvWh: 0, exportWh: 300 });
    expect(bare[3]).toMatchObject({ gap: true });

    // A gap is in neither cost: 250 Wh sold at 40 + 50 Wh sold at 30, then 250 Wh bought at 60.
    expect(costWithMarketMinor(series, intervals, 'north')).toBe(-10 - 2 + 15);
    expect(costAloneMinor(series, intervals, 'north')).toBe(-9 + 15);
  });

  it('reads a PV inverter that reports its production counter only (import null) as production, not as a gap', () => {
    store = Store.open(join(tempFolder('nabo-demo-series-'), 'gw.db'));
    const row = (deviceId: string, importWh: number | null, exportWh: number | null) => ({ deviceId, intervalStartMs: T0, intervalMs: MS, importWh, exportWh, gap: false, gapReason: null });
    store.intervals.put([row('grid', 100, 0), row('pv', null, 400)]);
    const [point] = buildingSeries(store, 'gw-1', { gridMeterDeviceId: 'grid', pvDeviceId: 'pv' }, [interval(0, null)], MS);
    expect(point).toEqual({ intervalStart: interval(0, null).intervalStart, consumptionWh: 500, pvWh: 400, importWh: 100, exportWh: 0, boughtWh: 0, soldWh: 0, batteryWh: 0 });
  });

  it('a summary says how many building-intervals were gaps, and refuses a gap with metered energy', () => {
    const raw = JSON.parse(JSON.stringify(parseSummaryFixture())) as Summary;
    const b = raw.buildings[0]!;
    const p = b.series[0]!;
    // Turn the first point into a gap: its energy leaves the building's and the district's totals.
    for (const key of ['consumptionWh', 'pvWh', 'importWh', 'exportWh'] as const) {
      b[key] -= p[key];
      raw.district[key] -= p[key];
      p[key] = 0;
    }
    raw.district.costMinor -= b.costMinor;
    raw.district.costAloneMinor -= b.costAloneMinor;
    b.costMinor = costWithMarketMinor(b.series.map((x, k) => (k === 0 ? { ...x, gap: true } : x)), raw.intervals, b.block);
    b.costAloneMinor = costAloneMinor(b.series.map((x, k) => (k === 0 ? { ...x, gap: true } : x)), raw.intervals, b.block);
    raw.district.costMinor += b.costMinor;
    raw.district.costAloneMinor += b.costAloneMinor;
    p.gap = true;
    p.batteryWh = 0;
    const ok = parseSummary(raw);
    expect(ok.ok ? 'ok' : ok.error.detail).toBe('ok');
    if (ok.ok) expect(intervalsLine(ok.value)).toContain('; 1 building-intervals without metering (a meter\'s first intervals are gaps until its counters are seen), in neither cost');
    p.pvWh = 5;
    const bad = parseSummary(raw);
    expect(bad.ok ? 'accepted' : bad.error.detail).toMatch(/^buildings\[0\]\.series\[0\]: a gap has no metered energy/);
  });
});

function parseSummaryFixture(): Summary {
  const text = readFileSync(join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json'), 'utf8');
  const r = parseSummary(JSON.parse(text));
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}
