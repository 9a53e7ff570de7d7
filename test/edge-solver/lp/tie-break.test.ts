import { describe, expect, it } from 'vitest';
import { glpkBackend, highsBackend, jsLpSolverBackend, LpModel } from '../../../edge-solver/lp/index.js';
import { tieBreakModel, tieBreakWeight } from '../../../edge-solver/lp/tie-break.js';

// min x + y + z subject to x + y + z ≥ 3, each ≤ 2: a whole face of optima (any split of 3).
function degenerate(): LpModel {
  const m = new LpModel('min');
  const x = m.addVariable('x', { upper: 2, cost: 1 });
  const y = m.addVariable('y', { upper: 2, cost: 1 });
  const z = m.addVariable('z', { upper: 2, cost: 1 });
  m.addRow('demand', [[x, 1], [y, 1], [z, 1]], { lower: 3 });
  return m;
}

describe('LP tie-break over the optimal face', () => {
  it('gives generic weights in [1, 2) that differ between positions', () => {
    const w = Array.from({ length: 1000 }, (_, j) => tieBreakWeight(j));
    expect(w.every((x) => x >= 1 && x < 2)).toBe(true);
    expect(new Set(w).size).toBe(1000);
  });

  it('picks the same optimal vertex on HiGHS, glpk.js and javascript-lp-solver', async () => {
    const m = degenerate();
    const picks: number[][] = [];
    for (const backend of [highsBackend, glpkBackend, jsLpSolverBackend]) {
      const first = await backend.solve(m);
      expect(first.status).toBe('optimal');
      expect(first.objective).toBeCloseTo(3, 9);
      const second = await backend.solve(tieBreakModel(m, first.objective));
      expect(second.status).toBe('optimal');
      picks.push(Array.from(second.values, (v) => Math.round(v * 1e6) / 1e6));
    }
    // The lightest weight fills first (up to 2), the next takes the rest.
    const order = [0, 1, 2].sort((a, b) => tieBreakWeight(a) - tieBreakWeight(b));
    const expected = [0, 0, 0];
    expected[order[0]!] = 2;
    expected[order[1]!] = 1;
    expect(picks).toEqual([expected, expected, expected]);
  });

  it('keeps the original objective: the tie-break solution costs the optimum', async () => {
    const m = degenerate();
    const first = await highsBackend.solve(m);
    const second = await highsBackend.solve(tieBreakModel(m, first.objective));
    const cost = m.variables.reduce((s, v, j) => s + v.cost * second.values[j]!, 0);
    expect(cost).toBeCloseTo(first.objective, 6);
  });
});
