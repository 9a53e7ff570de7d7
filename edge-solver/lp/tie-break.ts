// A degenerate LP (a battery indifferent between two quarter hours, two neighbours selling at
// the same price) has many optimal solutions, and two backends pick different ones. Solving
// again over the optimal face with a fixed generic objective picks one vertex that does not
// depend on the backend's pivoting, so parties on different backends agree (to rounding).
import { LpModel } from './model.js';

/** Generic positive weights in [1, 2), fixed by the variable's position (Knuth's multiplicative hash). */
export function tieBreakWeight(j: number): number {
  return 1 + (Math.imul(j + 1, 2654435761) >>> 0) / 2 ** 32;
}

/**
 * The model restricted to `objective ≤ optimum + tolerance` (in its sense), minimising the
 * generic weights over the same variables (same indices, so a solution reads back as the
 * original's). Weights are positive: among equal-cost plans the one that moves the least energy.
 */
export function tieBreakModel(model: LpModel, optimum: number, relativeTolerance = 1e-7): LpModel {
  const m = new LpModel('min');
  for (const [j, v] of model.variables.entries()) m.addVariable(v.name, { lower: v.lower, upper: v.upper, cost: tieBreakWeight(j) });
  for (const r of model.rows) m.addRow(r.name, Array.from(r.index, (j, k) => [j, r.coef[k]!] as const), { lower: r.lower, upper: r.upper });
  const terms: Array<readonly [number, number]> = [];
  for (const [j, v] of model.variables.entries()) if (v.cost !== 0) terms.push([j, v.cost]);
  const slack = relativeTolerance * Math.max(1, Math.abs(optimum));
  m.addRow('tie-break:objective', terms, model.sense === 'min' ? { upper: optimum + slack } : { lower: optimum - slack });
  return m;
}
