import { describe, expect, it } from 'vitest';
import { createHighsBackend, highsBackend } from '../../../edge-solver/lp/highs.js';
import { LpModel } from '../../../edge-solver/lp/model.js';

// min x + 2y  s.t.  x + y ≥ 3,  x ≤ 1  →  x = 1, y = 2, objective 5.
// Raising the first row's bound by 1 costs 2 (one more y); raising the second saves 1.
function tiny(sense: 'min' | 'max'): LpModel {
  const s = sense === 'min' ? 1 : -1;
  const m = new LpModel(sense);
  const x = m.addVariable('x', { cost: s * 1 });
  const y = m.addVariable('y', { cost: s * 2 });
  m.addRow('cover', [[x, 1], [y, 1]], { lower: 3 });
  m.addRow('cap x', [[x, 1]], { upper: 1 });
  return m;
}

describe('highs backend', () => {
  it('solves a tiny minimisation with duals as ∂objective/∂bound', async () => {
    const sol = await highsBackend.solve(tiny('min'));
    expect(sol.status).toBe('optimal');
    expect(sol.objective).toBeCloseTo(5, 9);
    expect([...sol.values]).toEqual([1, 2]);
    expect(sol.duals![0]).toBeCloseTo(2, 9);
    expect(sol.duals![1]).toBeCloseTo(-1, 9);
  });

  it('reports duals in the model sense when maximising', async () => {
    const sol = await highsBackend.solve(tiny('max'));
    expect(sol.status).toBe('optimal');
    expect(sol.objective).toBeCloseTo(-5, 9);
    expect(sol.duals![0]).toBeCloseTo(-2, 9);
    expect(sol.duals![1]).toBeCloseTo(1, 9);
  });

  it('says infeasible when the rows contradict each other', async () => {
    const m = new LpModel('min');
    const x = m.addVariable('x', { cost: 1 });
    m.addRow('at least 3', [[x, 1]], { lower: 3 });
    m.addRow('at most 1', [[x, 1]], { upper: 1 });
    expect((await highsBackend.solve(m)).status).toBe('infeasible');
  });
});

describe('highs backend options', () => {
  it('gives the same optimum with presolve switched on', async () => {
    const sol = await createHighsBackend({ presolve: 'on' }).solve(tiny('min'));
    expect(sol.status).toBe('optimal');
    expect([...sol.values]).toEqual([1, 2]);
  });

  it('reports an unknown option as an error status instead of throwing', async () => {
    const sol = await createHighsBackend({ no_such_option: 1 }).solve(tiny('min'));
    expect(sol.status).toBe('error');
    expect(sol.detail).toMatch(/HiGHS/);
  });
});
