import { describe, expect, it } from 'vitest';
import { validateOrderBook } from '../../../edge-solver/clearing/index.js';
import { demoGridPrices, NO3_SUMMER_SPOT_ORE_PER_KWH, PRICE_SOURCES, tariffExclVatMinorPerKWh, TENSIO_TS_ENERGILEDD } from '../../../gateway/demo/norwegian-defaults.js';

describe('Norwegian default prices', () => {
  it('keep the published NO3 day figures: average 30.3, lowest 23.7 at 05–06, highest 38.2 at 18–19 øre/kWh', () => {
    const spot = NO3_SUMMER_SPOT_ORE_PER_KWH;
    expect(spot).toHaveLength(24);
    expect(Math.round((spot.reduce((a, b) => a + b, 0) / 24) * 10) / 10).toBe(30.3);
    expect(Math.min(...spot)).toBe(23.7);
    expect(spot.indexOf(23.7)).toBe(5);
    expect(Math.max(...spot)).toBe(38.2);
    expect(spot.indexOf(38.2)).toBe(18);
  });

  it('give a summer day in Oslo time 96 intervals, the day tariff from 06:00 to 22:00 local and feed-in at spot', () => {
    const prices = demoGridPrices({ date: '2026-06-21' });
    expect(prices).toHaveLength(96);
    // Local midnight in summer (CEST) is 22:00 UTC the day before.
    expect(prices[0]!.intervalStart).toBe('2026-06-20T22:00:00.000Z');
    const day = tariffExclVatMinorPerKWh(TENSIO_TS_ENERGILEDD.dayInclVatOrePerKWh);
    const night = tariffExclVatMinorPerKWh(TENSIO_TS_ENERGILEDD.nightInclVatOrePerKWh);
    expect([day, night]).toEqual([30, 19]);
    const at = (iso: string) => prices.find((p) => p.intervalStart === iso)!;
    expect(at('2026-06-21T03:45:00.000Z').gridTariffMinorPerKWh).toBe(night); // 05:45 local
    expect(at('2026-06-21T04:00:00.000Z').gridTariffMinorPerKWh).toBe(day); // 06:00 local
    expect(at('2026-06-21T19:45:00.000Z').gridTariffMinorPerKWh).toBe(day); // 21:45 local
    expect(at('2026-06-21T20:00:00.000Z').gridTariffMinorPerKWh).toBe(night); // 22:00 local
    expect(at('2026-06-21T16:00:00.000Z').spotMinorPerKWh).toBe(38); // 18:00 local, the day's peak
    expect(prices.every((p) => p.gridExportPriceMinorPerKWh === p.spotMinorPerKWh && p.gridImportPriceMinorPerKWh === p.spotMinorPerKWh)).toBe(true);
  });

  it('are a valid clearing block in every interval (feed-in below import plus tariff)', () => {
    for (const p of demoGridPrices({ date: '2026-07-15' })) {
      const book = validateOrderBook({ intervalStart: p.intervalStart, blocks: [{ id: 'b', gridImportPriceMinorPerKWh: p.gridImportPriceMinorPerKWh, gridTariffMinorPerKWh: p.gridTariffMinorPerKWh, gridExportPriceMinorPerKWh: p.gridExportPriceMinorPerKWh }], orders: [] });
      expect(book.ok ? 'ok' : book.error.detail).toBe('ok');
    }
  });

  it('are overridable one by one', () => {
    const prices = demoGridPrices({ date: '2026-06-21', spotByHourMinorPerKWh: Array(24).fill(100), supplierMarkupMinorPerKWh: 5, tariffDayMinorPerKWh: 40, tariffNightMinorPerKWh: 20, feedInOffsetMinorPerKWh: -3 });
    expect(prices[48]).toEqual({ intervalStart: '2026-06-21T10:00:00.000Z', spotMinorPerKWh: 100, gridImportPriceMinorPerKWh: 105, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 97 });
    expect(prices[0]!.gridTariffMinorPerKWh).toBe(20);
    expect(() => demoGridPrices({ date: '2026-06-21', spotByHourMinorPerKWh: [1, 2] })).toThrow(/24 hourly prices/);
  });

  it('name a source for every default and reason out every assumption', () => {
    expect(PRICE_SOURCES.map((s) => s.what)).toHaveLength(3);
    for (const s of PRICE_SOURCES) {
      expect(s.source.length).toBeGreaterThan(20);
      if (s.kind === 'assumption') expect(s.reasoning?.length ?? 0).toBeGreaterThan(20);
    }
  });
});
