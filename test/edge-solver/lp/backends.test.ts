import { describe, expect, it } from 'vitest';
import { BACKENDS, BACKEND_NAMES } from '../../../edge-solver/lp/index.js';
import { LpModel } from '../../../edge-solver/lp/model.js';

// A transport-like LP with a unique optimum and non-degenerate duals:
// two sources (cost 1 up to 4, cost 3 up to 10) serve a demand of exactly 6 through a free
// "net" variable; a variable with a negative lower bound and a fixed variable test bound handling.
function transport(sense: 'min' | 'max'): LpModel {
  const s = sense === 'min' ? 1 : -1;
  const m = new LpModel(sense);
  const cheap = m.addVariable('cheap', { upper: 4, cost: s * 1 });
  const dear = m.addVariable('dear', { upper: 10, cost: s * 3 });
  const net = m.addVariable('net', { lower: -Infinity, upper: Infinity });
  const shift = m.addVariable('shift', { lower: -2, upper: 5, cost: s * 0.5 });
  const fixed = m.addVariable('fixed', { lower: 1.5, upper: 1.5, cost: s * 2 });
  m.addRow('supply', [[cheap, 1], [dear, 1], [net, -1]], { lower: 0, upper: 0 });
  m.addRow('demand', [[net, 1]], { lower: 6, upper: 6 });
  m.addRow('free row', [[cheap, 1], [shift, 1]], {});
  m.addRow('shift floor', [[shift, 1], [fixed, 1]], { lower: 0.5 });
  return m;
}

describe('LP backends', () => {
  for (const name of BACKEND_NAMES) {
    const backend = BACKENDS[name];
    describe(name, () => {
      for (const sense of ['min', 'max'] as const) {
        it(`finds the unique ${sense} optimum with general bounds`, async () => {
          const sol = await backend.solve(transport(sense));
          expect(sol.status).toBe('optimal');
          expect(sol.backend).toBe(name);
          const want = [4, 2, 6, -1, 1.5];
          want.forEach((w, j) => expect(sol.values[j]).toBeCloseTo(w, 9));
          const cost = 4 + 6 - 0.5 + 3;
          expect(sol.objective).toBeCloseTo(sense === 'min' ? cost : -cost, 9);
          if (backend.hasDuals) {
            const s = sense === 'min' ? 1 : -1;
            // One more unit of demand is served by the dear source (+3); one more unit of the
            // shift floor raises shift by one (+0.5); the balance row's dual follows from it.
            expect(sol.duals![1]).toBeCloseTo(s * 3, 9);
            expect(sol.duals![3]).toBeCloseTo(s * 0.5, 9);
            expect(sol.duals![2]).toBeCloseTo(0, 9);
          } else {
            expect(sol.duals).toBeUndefined();
          }
        });
      }

      it('reports an infeasible model as infeasible', async () => {
        const m = new LpModel('min');
        const x = m.addVariable('x', { upper: 2, cost: 1 });
        m.addRow('too much', [[x, 1]], { lower: 3 });
        expect((await backend.solve(m)).status).toBe('infeasible');
      });

      it('reports an unbounded model as unbounded', async () => {
        const m = new LpModel('max');
        const x = m.addVariable('x', { cost: 1 });
        m.addRow('floor', [[x, 1]], { lower: 1 });
        expect((await backend.solve(m)).status).toBe('unbounded');
      });
    });
  }
});
