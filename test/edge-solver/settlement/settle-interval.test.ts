import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settleInterval, type SettlementPosition } from '../../../edge-solver/settlement/index.js';

const block = { block: 'B1', clearingPriceMinorPerKWh: 85, gridImportPriceMinorPerKWh: 150, gridExportPriceMinorPerKWh: 40 };

function settle(positions: SettlementPosition[], prices = block) {
  const r = settleInterval({ blocks: [prices], positions });
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

describe('interval settlement', () => {
  it('pays traded energy at the clearing price and the imbalance at grid prices', () => {
    const s = settle([
      // Bought 1000 Wh, drew 1200: 200 Wh short from the grid.
      { participant: 'alice', block: 'B1', meteredWh: 1200, tradedWh: 1000 },
      // Sold 1000 Wh, fed in 1100: 100 Wh long, sold to the grid.
      { participant: 'bob', block: 'B1', meteredWh: -1100, tradedWh: -1000 },
    ]);
    expect(s.participants.map((p) => [p.imbalanceWh, p.tradeMinor, p.imbalanceMinor, p.totalMinor])).toEqual([
      [200, 85, 30, 115],
      [-100, -85, -4, -89],
    ]);
    expect(s.blocks).toEqual([{ block: 'B1', tradedWh: 0, tradeMinor: 0, imbalanceMinor: 26 }]);
  });

  it('balances the trades of a block to zero even when each amount is a fraction of a minor unit', () => {
    const s = settle(
      [
        { participant: 'a', block: 'B1', meteredWh: 10, tradedWh: 10 },
        { participant: 'b', block: 'B1', meteredWh: -3, tradedWh: -3 },
        { participant: 'c', block: 'B1', meteredWh: -3, tradedWh: -3 },
        { participant: 'd', block: 'B1', meteredWh: -4, tradedWh: -4 },
      ],
      { ...block, clearingPriceMinorPerKWh: 333 },
    );
    // Exact: 3.33, −0.999, −0.999, −1.332 minor units; rounded they still add to 0.
    expect(s.participants.map((p) => p.tradeMinor)).toEqual([3, -1, -1, -1]);
    expect(s.blocks[0]!.tradeMinor).toBe(0);
  });

  it('handles negative prices: sellers pay and buyers are paid', () => {
    const s = settle(
      [
        { participant: 'buyer', block: 'B1', meteredWh: 2000, tradedWh: 2000 },
        { participant: 'seller', block: 'B1', meteredWh: -2500, tradedWh: -2000 },
      ],
      { block: 'B1', clearingPriceMinorPerKWh: -12, gridImportPriceMinorPerKWh: -5, gridExportPriceMinorPerKWh: -20 },
    );
    expect(s.participants.map((p) => [p.tradeMinor, p.imbalanceMinor])).toEqual([
      [-24, 0],
      [24, 10],
    ]);
  });

  it('settles fractional clearing prices (a dual) to the millionth of a minor unit', () => {
    const s = settle([
      { participant: 'a', block: 'B1', meteredWh: 3000, tradedWh: 3000 },
      { participant: 'b', block: 'B1', meteredWh: -3000, tradedWh: -3000 },
    ], { ...block, clearingPriceMinorPerKWh: 100 / 3 });
    expect(s.participants.map((p) => p.tradeMinor)).toEqual([100, -100]);
  });

  it('rejects unknown blocks, duplicates and energies that are not integer Wh', () => {
    const bad = (positions: SettlementPosition[]) => settleInterval({ blocks: [block], positions });
    expect(bad([{ participant: 'a', block: 'B2', meteredWh: 0, tradedWh: 0 }])).toMatchObject({ ok: false, error: { kind: 'unknown-block' } });
    expect(bad([{ participant: 'a', block: 'B1', meteredWh: 1.5, tradedWh: 0 }])).toMatchObject({ ok: false, error: { kind: 'invalid-position' } });
    const twice = { participant: 'a', block: 'B1', meteredWh: 0, tradedWh: 0 };
    expect(bad([twice, twice])).toMatchObject({ ok: false, error: { kind: 'duplicate' } });
    expect(settleInterval({ blocks: [{ ...block, clearingPriceMinorPerKWh: NaN }], positions: [] })).toMatchObject({ ok: false, error: { kind: 'invalid-price' } });
  });

  it('keeps every amount within one minor unit of exact and totals adding up, for any positions', () => {
    const position = fc.record({ meteredWh: fc.integer({ min: -1e7, max: 1e7 }), tradedWh: fc.integer({ min: -1e7, max: 1e7 }) });
    fc.assert(
      fc.property(
        fc.array(position, { maxLength: 30 }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: -100, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        (ps, clearing, exportPrice, extra) => {
          const prices = { block: 'B1', clearingPriceMinorPerKWh: clearing, gridImportPriceMinorPerKWh: exportPrice + extra, gridExportPriceMinorPerKWh: exportPrice };
          const positions = ps.map((p, i) => ({ participant: `p${i}`, block: 'B1', ...p }));
          const s = settle(positions, prices);
          let exactTrade = 0;
          for (const p of s.participants) {
            const exact = (p.tradedWh * clearing) / 1000;
            exactTrade += exact;
            expect(Math.abs(p.tradeMinor - exact)).toBeLessThan(1 + 1e-9);
            const exactImbalance = (p.imbalanceWh * (p.imbalanceWh >= 0 ? prices.gridImportPriceMinorPerKWh : exportPrice)) / 1000;
            expect(Math.abs(p.imbalanceMinor - exactImbalance)).toBeLessThan(1 + 1e-9);
            expect(p.totalMinor).toBe(p.tradeMinor + p.imbalanceMinor);
          }
          expect(Math.abs(s.blocks[0]!.tradeMinor - exactTrade)).toBeLessThanOrEqual(0.5 + 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
