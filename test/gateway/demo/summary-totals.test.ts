import { describe, expect, it } from 'vitest';
import { blockSummaries, buildingSummary, costAloneMinor, costWithMarketMinor, districtTotals, selfSufficiency } from '../../../gateway/demo/summary-totals.js';
import type { SummarySeriesPoint } from '../../../gateway/demo/summary.js';

const T0 = '2026-06-21T10:00:00.000Z';
const T1 = '2026-06-21T10:15:00.000Z';
const prices = [
  { intervalStart: T0, gridPriceMinorPerKWh: 60, feedInPriceMinorPerKWh: 30, blockPrices: { north: 45 } },
  { intervalStart: T1, gridPriceMinorPerKWh: 60, feedInPriceMinorPerKWh: 30, blockPrices: { north: null } },
];
function point(intervalStart: string, p: Partial<SummarySeriesPoint>): SummarySeriesPoint {
  return { intervalStart, consumptionWh: 0, pvWh: 0, importWh: 0, exportWh: 0, boughtWh: 0, soldWh: 0, batteryWh: 0, ...p };
}

describe('summary totals', () => {
  it('cost alone puts every net import at retail + tariff and every net export at feed-in', () => {
    // 1000 Wh in at 60 øre/kWh = 60 øre; 2000 Wh out at 30 øre/kWh = −60 øre.
    const series = [point(T0, { importWh: 1000 }), point(T1, { exportWh: 2000 })];
    expect(costAloneMinor(series, prices, 'north')).toBe(0);
    expect(costAloneMinor([point(T0, { importWh: 1500 }), point(T1, { importWh: 500 })], prices, 'north')).toBe(90 + 30);
  });

  it('cost with the market pays the traded energy at the block price and the rest at the grid prices', () => {
    // Metered 1000 Wh in, 800 Wh of it bought locally at 45: 36 øre + 200 Wh at 60 = 12 øre.
    const series = [point(T0, { importWh: 1000, boughtWh: 800 }), point(T1, {})];
    expect(costWithMarketMinor(series, prices, 'north')).toBe(48);
    expect(costAloneMinor(series, prices, 'north')).toBe(60);
    // A seller that delivered less than it sold buys the shortfall at retail + tariff:
    // receives 700 Wh × 45 = 31.5 → 32 øre (half to even), pays 200 Wh × 60 = 12 øre.
    const seller = [point(T0, { exportWh: 500, soldWh: 700 }), point(T1, {})];
    expect(costWithMarketMinor(seller, prices, 'north')).toBe(-32 + 12);
  });

  it('refuses traded energy in an interval without a clearing price', () => {
    expect(() => costWithMarketMinor([point(T0, {}), point(T1, { boughtWh: 10 })], prices, 'north')).toThrow(/without a clearing price/);
    expect(() => costAloneMinor([point(T1, {})], prices, 'north')).toThrow(/no prices of its own interval/);
  });

  it('self-sufficiency is the share of consumption not drawn from the grid, within 0..1', () => {
    expect(selfSufficiency(1000, 250)).toBe(0.75);
    expect(selfSufficiency(1000, 0)).toBe(1);
    expect(selfSufficiency(1000, 1500)).toBe(0);
    expect(selfSufficiency(0, 0)).toBe(1);
  });

  it('blocks and the district add up their buildings; the district counts energy bought from a neighbour as local', () => {
    const a = buildingSummary('a', 'north', [point(T0, { consumptionWh: 1000, importWh: 1000, boughtWh: 800 }), point(T1, { consumptionWh: 500, importWh: 500 })], prices);
    const b = buildingSummary('b', 'north', [point(T0, { pvWh: 2000, exportWh: 2000, soldWh: 800 }), point(T1, {})], prices);
    expect(a).toMatchObject({ consumptionWh: 1500, importWh: 1500, boughtWh: 800, selfSufficiency: 0, costAloneMinor: 90 });
    const blocks = blockSummaries([a, b], [{ blockPrices: { north: 45 }, result: { blocks: [{ id: 'north', boughtWh: 800 }] } as never }, { blockPrices: { north: null }, result: null }]);
    expect(blocks).toEqual([{ id: 'north', buildings: ['a', 'b'], tradedWh: 800, priceMinMinorPerKWh: 45, priceMaxMinorPerKWh: 45 }]);
    const d = districtTotals([a, b], blocks);
    expect(d.tradedWh).toBe(800);
    expect(d.selfSufficiency).toBeCloseTo(1 - 700 / 1500, 12);
    expect(d.costMinor).toBe(a.costMinor + b.costMinor);
    expect(d.costMinor).toBeLessThanOrEqual(d.costAloneMinor);
  });
});
