import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { buildClearingModel, buildProblem, clearInterval, type ClearingResult, type OrderBookInput } from '../../../edge-solver/clearing/index.js';
import { BACKEND_NAMES, highsBackend } from '../../../edge-solver/lp/index.js';
import { roundHalfEven } from '../../../edge-solver/clearing/rounding.js';
import { blockArb, book, cleared, imbalances, orderArb, shuffled } from './helpers.js';

const BLOCKS = ['A', 'B', 'C', 'D'];

function networkArb(lossy: boolean) {
  return fc
    .record({
      blockCount: fc.integer({ min: 2, max: 4 }),
      blocks: fc.tuple(...BLOCKS.map((id) => blockArb(id))),
      extraLine: fc.boolean(),
      lines: fc.array(
        fc.record({
          capacityWh: fc.integer({ min: 0, max: 6000 }),
          feeMinorPerKWh: fc.integer({ min: 0, max: 6 }),
          lossFraction: lossy ? fc.constantFrom(0, 0.03, 0.1) : fc.constant(0),
        }),
        { minLength: 4, maxLength: 4 },
      ),
      orders: fc.array(orderArb(BLOCKS), { maxLength: 16 }),
      seed: fc.integer(),
    })
    .map(({ blockCount, blocks, extraLine, lines, orders, seed }) => {
      const ids = BLOCKS.slice(0, blockCount);
      // A path A–B–C–D, and sometimes a line closing a loop back to A.
      const pairs = ids.slice(1).map((to, i) => [ids[i]!, to] as const);
      if (extraLine && blockCount >= 3) pairs.push([ids[blockCount - 1]!, ids[0]!]);
      const input: OrderBookInput = {
        intervalStart: '2026-03-01T10:15:00Z',
        blocks: blocks.slice(0, blockCount),
        lines: pairs.map(([from, to], i) => ({ id: `line-${i}`, from, to, ...lines[i]! })),
        orders: orders.filter((o) => ids.includes(o.block)).map((o, i) => ({ id: `o${String(i).padStart(3, '0')}`, ...o })),
      };
      return { input, seed };
    });
}

async function outcome(input: OrderBookInput, backend: (typeof BACKEND_NAMES)[number]): Promise<ClearingResult | string> {
  const outcome = await clearInterval(book(input), { backend });
  return outcome.ok ? outcome.value : `error:${outcome.error.kind}`;
}

describe('clearing a network of blocks', () => {
  it('keeps trade local when importing next door plus the line fee costs the same (tie rule 2)', async () => {
    // Import at A (28) plus the fee (2) equals import at B (30): both serve B's 1000 Wh at the
    // same welfare. Every backend must publish the same choice: B imports itself.
    const input: OrderBookInput = {
      intervalStart: '2026-03-01T10:15:00Z',
      blocks: [
        { id: 'A', gridImportPriceMinorPerKWh: 28, gridExportPriceMinorPerKWh: 10 },
        { id: 'B', gridImportPriceMinorPerKWh: 27, gridTariffMinorPerKWh: 3, gridExportPriceMinorPerKWh: 10, netLoadWh: 1000 },
      ],
      lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 5000, feeMinorPerKWh: 2 }],
      orders: [],
    };
    for (const backend of BACKEND_NAMES) {
      const r = cleared(await clearInterval(book(input), { backend }));
      expect(r.lines[0]!.forwardWh).toBe(0);
      expect(r.blocks.map((b) => b.gridImportWh)).toEqual([0, 1000]);
      expect(r.blocks.map((b) => b.priceMinorPerKWh)).toEqual([28, 30]);
    }
  });

  it('matches equal-price orders across a marginal line before using the grid (tie rule 1)', async () => {
    // A bid at 30 in B and an offer at 28 in A: with the fee of 2 they are exactly worth
    // trading, and so is buying from the grid at 30 in B. Volume first: the orders trade.
    const input: OrderBookInput = {
      intervalStart: '2026-03-01T10:15:00Z',
      blocks: [
        { id: 'A', gridImportPriceMinorPerKWh: 40, gridExportPriceMinorPerKWh: 28 },
        { id: 'B', gridImportPriceMinorPerKWh: 30, gridExportPriceMinorPerKWh: 10 },
      ],
      lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 5000, feeMinorPerKWh: 2 }],
      orders: [
        { id: 'offer', participant: 'p', block: 'A', side: 'offer', steps: [{ energyWh: 600, priceMinorPerKWh: 28 }] },
        { id: 'bid', participant: 'q', block: 'B', side: 'bid', steps: [{ energyWh: 800, priceMinorPerKWh: 30 }] },
      ],
    };
    for (const backend of BACKEND_NAMES) {
      const r = cleared(await clearInterval(book(input), { backend }));
      expect(r.orders.map((o) => [o.id, o.acceptedWh])).toEqual([['bid', 800], ['offer', 600]]);
      expect(r.lines[0]!.forwardWh).toBe(600);
      expect(r.blocks.map((b) => [b.gridImportWh, b.gridExportWh])).toEqual([[0, 0], [200, 0]]);
    }
  });

  it('every backend gives the byte-identical market outcome on lossless networks, routes moving the same energy', async () => {
    await fc.assert(
      fc.asyncProperty(networkArb(false), async ({ input }) => {
        const results = await Promise.all(BACKEND_NAMES.map((b) => outcome(input, b)));
        // Where two routes through the network cost the same and move the same energy, the
        // route is the configured backend's choice (the same on every gateway of a block); the
        // market outcome — orders, prices, grid exchange, welfare, DSO fees — is not.
        // Fees are rounded per line, so equal-cost routes may round their fee totals apart by a
        // minor unit; the exact fee (Wh × minor/kWh over the lines) is compared below instead.
        const market = (r: (typeof results)[number]): string =>
          typeof r === 'string' ? r : canonicalJson({ ...r, lines: r.lines.map((l) => l.id), totals: { ...r.totals, dsoFeeRevenueMinor: null } });
        const texts = results.map(market);
        expect(texts[1]).toBe(texts[0]);
        expect(texts[2]).toBe(texts[0]);
        const moved = (r: (typeof results)[number]): number => (typeof r === 'string' ? 0 : r.lines.reduce((n, l) => n + l.forwardWh + l.backwardWh, 0));
        expect(moved(results[1]!)).toBe(moved(results[0]!));
        expect(moved(results[2]!)).toBe(moved(results[0]!));
        const fee = new Map((input.lines ?? []).map((l) => [l.id, l.feeMinorPerKWh]));
        const exactFee = (r: (typeof results)[number]): number => (typeof r === 'string' ? 0 : r.lines.reduce((n, l) => n + (l.forwardWh + l.backwardWh) * (fee.get(l.id) ?? 0), 0));
        expect(exactFee(results[1]!)).toBe(exactFee(results[0]!));
        expect(exactFee(results[2]!)).toBe(exactFee(results[0]!));
        // The tie rules choose among optima: the welfare is still the LP's optimum.
        const r = results[0]!;
        if (typeof r === 'string') return;
        const lp = await highsBackend.solve(buildClearingModel(buildProblem(book(input))));
        expect(r.totals.welfareMinor).toBe(roundHalfEven(lp.objective / 1000));
      }),
      { numRuns: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 100 },
    );
  });

  it('balances every block to the Wh, with and without line losses', async () => {
    await fc.assert(
      fc.asyncProperty(networkArb(true), async ({ input }) => {
        const r = await outcome(input, 'highs');
        if (typeof r === 'string') return;
        expect(imbalances(r)).toEqual(r.blocks.map(() => 0));
        for (const l of r.lines) {
          expect(l.forwardDeliveredWh).toBeLessThanOrEqual(l.forwardWh);
          expect(l.backwardDeliveredWh).toBeLessThanOrEqual(l.backwardWh);
          expect(l.lossWh).toBeGreaterThanOrEqual(0);
        }
        for (const b of r.blocks) {
          const cap = input.blocks.find((x) => x.id === b.id)!.connectionCapWh ?? Infinity;
          expect(b.gridImportWh).toBeLessThanOrEqual(cap);
          expect(b.gridExportWh).toBeLessThanOrEqual(cap);
        }
      }),
      { numRuns: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 100 },
    );
  });

  it('gives the byte-identical result for the same book shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(networkArb(true), async ({ input, seed }) => {
        const again = { ...input, orders: shuffled(input.orders, seed), blocks: shuffled(input.blocks, seed + 1), lines: shuffled(input.lines ?? [], seed + 2) };
        const a = await outcome(input, 'highs');
        const b = await outcome(again, 'highs');
        expect(typeof b === 'string' ? b : canonicalJson(b)).toBe(typeof a === 'string' ? a : canonicalJson(a));
      }),
      { numRuns: 80 },
    );
  });
});
