import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearInterval, clearMeritOrder, type ClearingOutcome } from '../../../edge-solver/clearing/index.js';
import { book, cleared, imbalances, outcomeText, shuffled, singleBlockBookArb } from './helpers.js';

async function outcome(f: () => Promise<ClearingOutcome> | ClearingOutcome): Promise<string> {
  return outcomeText(await f());
}

describe('merit order and LP on random single-block books', () => {
  it('give the byte-identical result (or both find the book infeasible)', async () => {
    await fc.assert(
      fc.asyncProperty(singleBlockBookArb, async ({ input }) => {
        const b = book(input);
        for (const rule of ['midpoint', 'pay-as-clear'] as const) {
          const merit = await outcome(() => clearMeritOrder(b, { priceRule: rule }));
          const lp = await outcome(() => clearInterval(b, { backend: 'highs', priceRule: rule }));
          expect(merit).toBe(lp);
        }
      }),
      { numRuns: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 120 },
    );
  });

  it('balance every block to the Wh and keep the LP optimum welfare', async () => {
    await fc.assert(
      fc.asyncProperty(singleBlockBookArb, async ({ input }) => {
        const merit = clearMeritOrder(book(input));
        if (!merit.ok && merit.error.kind === 'infeasible') return;
        const r = cleared(merit);
        expect(imbalances(r)).toEqual([0]);
        // The tie rules must not cost welfare: the published welfare is the LP's optimum.
        const lp = cleared(await clearInterval(book(input), { backend: 'glpk' }));
        expect(r.totals.welfareMinor).toBe(lp.totals.welfareMinor);
        const blockPrice = r.blocks[0]!.priceMinorPerKWh;
        const [lo, hi] = r.blocks[0]!.priceIntervalMinorPerKWh;
        if (blockPrice !== null) {
          if (lo !== null) expect(blockPrice).toBeGreaterThanOrEqual(lo);
          if (hi !== null) expect(blockPrice).toBeLessThanOrEqual(hi);
        }
      }),
      { numRuns: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 120 },
    );
  });

  it('accepts every step priced better than the clearing price and none priced worse', () => {
    fc.assert(
      fc.property(singleBlockBookArb, ({ input }) => {
        const merit = clearMeritOrder(book(input));
        if (!merit.ok && merit.error.kind === 'infeasible') return;
        const r = cleared(merit);
        const price = r.blocks[0]!.priceMinorPerKWh;
        if (price === null) return;
        for (const o of r.orders) {
          const steps = input.orders.find((x) => x.id === o.id)!.steps;
          steps.forEach((s, i) => {
            const better = o.side === 'bid' ? s.priceMinorPerKWh > price : s.priceMinorPerKWh < price;
            const worse = o.side === 'bid' ? s.priceMinorPerKWh < price : s.priceMinorPerKWh > price;
            if (better) expect(o.stepsAcceptedWh[i]).toBe(s.energyWh);
            if (worse) expect(o.stepsAcceptedWh[i]).toBe(0);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('give the byte-identical result for the same book shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(singleBlockBookArb, async ({ input, seed }) => {
        const again = { ...input, orders: shuffled(input.orders, seed) };
        expect(await outcome(() => clearMeritOrder(book(again)))).toBe(await outcome(() => clearMeritOrder(book(input))));
        expect(await outcome(() => clearInterval(book(again), { backend: 'js-lp-solver' }))).toBe(
          await outcome(() => clearInterval(book(input), { backend: 'js-lp-solver' })),
        );
      }),
      { numRuns: 100 },
    );
  });
});
