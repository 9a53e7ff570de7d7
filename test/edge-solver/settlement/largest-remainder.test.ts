import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateRounded, floorDiv, roundHalfEven } from '../../../edge-solver/settlement/index.js';

describe('exact rounding helpers', () => {
  it('floors toward minus infinity, also for negative numerators', () => {
    expect([floorDiv(7n, 2n), floorDiv(-7n, 2n), floorDiv(-6n, 2n), floorDiv(0n, 5n)]).toEqual([3n, -4n, -3n, 0n]);
  });

  it('rounds halves to the even neighbour on both sides of zero', () => {
    expect([5n, 15n, 25n, -5n, -15n, 14n, -16n].map((n) => roundHalfEven(n, 10n))).toEqual([0n, 2n, 2n, 0n, -2n, 1n, -2n]);
  });
});

describe('largest-remainder allocation', () => {
  it('gives the missing unit to the largest remainder: 1/3 each of 1 minor unit', () => {
    // Three shares of 0.333…: total 1.0 rounds to 1, one member gets it — the first, on a tie.
    expect(allocateRounded([1n, 1n, 1n], 3n)).toEqual([1n, 0n, 0n]);
  });

  it('pays nothing in total when the exact amounts cancel, even with fractions', () => {
    // A buyer of 1 Wh at 12.5 minor/kWh and two sellers of 0.5 Wh each (as numerators over 1000).
    expect(allocateRounded([12_500n, -6_250n, -6_250n], 1000n)).toEqual([12n, -6n, -6n]);
    expect(allocateRounded([12_500n, -6_250n, -6_250n], 1000n).reduce((s, x) => s + x, 0n)).toBe(0n);
  });

  it('keeps every member within one unit of its exact amount and the sum at the rounded total', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), { maxLength: 40 }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (ns, d) => {
        const out = allocateRounded(ns, d);
        const total = ns.reduce((s, x) => s + x, 0n);
        expect(out.reduce((s, x) => s + x, 0n)).toBe(roundHalfEven(total, d));
        out.forEach((x, i) => {
          const f = floorDiv(ns[i]!, d);
          expect(x === f || x === f + 1n).toBe(true);
          if (ns[i]! % d === 0n) expect(x).toBe(f);
        });
      }),
      { numRuns: 300 },
    );
  });
});
