import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildClearingModel, buildProblem, clearMeritOrder, type OrderBookInput } from '../../../edge-solver/clearing/index.js';
import { primalFromValues } from '../../../edge-solver/clearing/lp-model.js';
import { pricesByRule, priceSet } from '../../../edge-solver/clearing/price-interval.js';
import { glpkBackend, highsBackend } from '../../../edge-solver/lp/index.js';
import { blockArb, book, cleared, orderArb } from './helpers.js';

const island = (orders: OrderBookInput['orders']): OrderBookInput => ({
  intervalStart: '2026-03-01T10:15:00Z',
  blocks: [{ id: 'X', gridImportPriceMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0, connectionCapWh: 0 }],
  orders,
});
const step = (energyWh: number, priceMinorPerKWh: number) => [{ energyWh, priceMinorPerKWh }];

describe('price intervals from the primal', () => {
  it('leave an end open where nothing bounds it, and price at the finite end', () => {
    // Only a bid, no grid: nothing trades, and any price at or above 30 is valid.
    const r = cleared(clearMeritOrder(book(island([{ id: 'b', participant: 'p', block: 'X', side: 'bid', steps: step(500, 30) }]))));
    expect(r.blocks[0]!.priceIntervalMinorPerKWh).toEqual([30, null]);
    expect(r.blocks[0]!.priceMinorPerKWh).toBe(30);
  });

  it('publish no price for a block nothing bounds', () => {
    const r = cleared(clearMeritOrder(book(island([]))));
    expect(r.blocks[0]!.priceIntervalMinorPerKWh).toEqual([null, null]);
    expect(r.blocks[0]!.priceMinorPerKWh).toBeNull();
  });

  it('keep a half-open block consistent with its neighbour across a line', async () => {
    // B has only a rejected bid at 10 and an idle line to A, whose grid fixes A at [20, 50]:
    // B's own interval is [10, ∞), but through the line B lies within A ± fee.
    const input: OrderBookInput = {
      intervalStart: '2026-03-01T10:15:00Z',
      blocks: [
        { id: 'A', gridImportPriceMinorPerKWh: 50, gridExportPriceMinorPerKWh: 20 },
        { id: 'B', gridImportPriceMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0, connectionCapWh: 0 },
      ],
      lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 1000, feeMinorPerKWh: 5 }],
      orders: [{ id: 'b', participant: 'p', block: 'B', side: 'bid', steps: step(500, 10) }],
    };
    const p = buildProblem(book(input));
    const sol = await highsBackend.solve(buildClearingModel(p));
    const set = priceSet(p, primalFromValues(p, sol.values));
    expect([...set.lower]).toEqual([20, 15]);
    expect([...set.upper]).toEqual([50, 55]);
    const mid = pricesByRule(set, 'midpoint');
    expect([...mid]).toEqual([35, 35]);
    expect([...pricesByRule(set, 'pay-as-clear')]).toEqual([50, 55]);
  });

  it('lower a neighbour below its midpoint when a half-open block priced at its finite end requires it', async () => {
    // A's 1000 Wh surplus is exactly B's load, sent over a full line (A uses no grid, so
    // λ_A ∈ [20, 50]); B is an island: λ_B ≥ λ_A + 5 and
    // nothing bounds λ_B above. B's target is its finite end 25; A's midpoint 35 would need
    // λ_B ≥ 40, so the rule takes the greatest valid prices not above the targets: (20, 25).
    const input: OrderBookInput = {
      intervalStart: '2026-03-01T10:15:00Z',
      blocks: [
        { id: 'A', gridImportPriceMinorPerKWh: 50, gridExportPriceMinorPerKWh: 20, netLoadWh: -1000 },
        { id: 'B', gridImportPriceMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0, connectionCapWh: 0, netLoadWh: 1000 },
      ],
      lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 1000, feeMinorPerKWh: 5 }],
      orders: [],
    };
    const p = buildProblem(book(input));
    const sol = await highsBackend.solve(buildClearingModel(p));
    const set = priceSet(p, primalFromValues(p, sol.values));
    expect([...set.lower]).toEqual([20, 25]);
    expect([...set.upper]).toEqual([50, Infinity]);
    expect([...pricesByRule(set, 'midpoint')]).toEqual([20, 25]);
  });

  it('contain the duals HiGHS and GLPK report, on random networks', async () => {
    const arb = fc.record({ a: blockArb('A'), b: blockArb('B'), cap: fc.integer({ min: 0, max: 5000 }), fee: fc.integer({ min: 0, max: 5 }), orders: fc.array(orderArb(['A', 'B']), { maxLength: 10 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ a, b, cap, fee, orders }) => {
        const input: OrderBookInput = {
          intervalStart: '2026-03-01T10:15:00Z',
          blocks: [a, b],
          lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: cap, feeMinorPerKWh: fee }],
          orders: orders.map((o, i) => ({ id: `o${i}`, ...o })),
        };
        const p = buildProblem(book(input));
        for (const backend of [highsBackend, glpkBackend]) {
          const sol = await backend.solve(buildClearingModel(p));
          if (sol.status !== 'optimal') continue;
          const set = priceSet(p, primalFromValues(p, sol.values));
          // The balance row's dual is ∂welfare/∂(net load) = −λ.
          for (let k = 0; k < 2; k++) {
            const lambda = -sol.duals![k]!;
            expect(lambda).toBeGreaterThanOrEqual(set.lower[k]! - 1e-6);
            expect(lambda).toBeLessThanOrEqual(set.upper[k]! + 1e-6);
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});
