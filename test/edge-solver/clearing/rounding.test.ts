import { describe, expect, it } from 'vitest';
import { roundHalfEven, splitProRata, toWh } from '../../../edge-solver/clearing/rounding.js';

describe('clearing rounding rules', () => {
  it('round halves to even and never give −0', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 2, 3]);
    expect(Object.is(roundHalfEven(-0.4), 0)).toBe(true);
  });

  it('snap LP noise to the nearest Wh', () => {
    expect(toWh(999.9999999)).toBe(1000);
    expect(toWh(1e-9)).toBe(0);
    expect(toWh(10.5)).toBe(10);
  });

  it('split a total pro rata by largest remainder, ties to the earlier member, never above a weight', () => {
    const weights = Float64Array.from([1000, 1000, 1000, 3, 0]);
    const out = new Float64Array(5);
    splitProRata(2000, [0, 1, 2], weights, out);
    expect([...out.subarray(0, 3)]).toEqual([667, 667, 666]);
    const out2 = new Float64Array(5);
    splitProRata(1001, [0, 3], weights, out2);
    // 1001 × 1000/1003 = 998.006…, 1001 × 3/1003 = 2.994…: the larger remainder gets the Wh.
    expect([out2[0], out2[3]]).toEqual([998, 3]);
    const out3 = new Float64Array(5);
    splitProRata(1003, [0, 3], weights, out3);
    expect([out3[0], out3[3]]).toEqual([1000, 3]);
  });
});
