// Which block prices are valid, not just which one the backend reported. The optimal cost V(b)
// is convex and piecewise linear in a pool row's demand b, and the set of optimal duals of that
// row is the interval [V'₋, V'₊] of its one-sided slopes. We measure them by re-solving with the
// row's demand moved by ±δ: exact unless a kink lies within δ. Costs 2 solves per block and step,
// so it is meant for small cases (the multi-block line examples), not for a 96-step day.
import { fail, ok, type Result } from '../../core/result.js';
import type { LpBackend, LpModel } from '../lp/model.js';
import { buildScheduleModel } from './build-model.js';
import { assertValidCase, type ScheduleCase } from './case.js';
import { resolveOptions, type ScheduleOptions } from './options.js';
import type { ScheduleErrorKind } from './solve.js';

export interface PriceRange {
  /** Saving per kWh of demand taken away from the pool; −∞ if none can be taken away. */
  lower: number;
  /** Cost per kWh of demand added to the pool; +∞ if none can be added. */
  upper: number;
  unique: boolean;
}

export async function blockPriceRanges(
  scheduleCase: ScheduleCase,
  options: ScheduleOptions,
  backend: LpBackend,
  deltaKWh = 1e-3,
): Promise<Result<PriceRange[][], ScheduleErrorKind>> {
  assertValidCase(scheduleCase);
  const sm = buildScheduleModel(scheduleCase, resolveOptions(options));
  const base = await backend.solve(sm.model);
  if (base.status !== 'optimal') return fail(base.status === 'infeasible' ? 'infeasible' : base.status === 'unbounded' ? 'unbounded' : 'solver-error', base.detail ?? base.status);
  const ranges: PriceRange[][] = [];
  for (const block of sm.blocks) {
    const perStep: PriceRange[] = [];
    for (const r of block.poolRow ?? []) {
      const up = await shifted(backend, sm.model, r, deltaKWh);
      const down = await shifted(backend, sm.model, r, -deltaKWh);
      const upper = up === null ? Infinity : (up - base.objective) / deltaKWh;
      const lower = down === null ? -Infinity : (base.objective - down) / deltaKWh;
      perStep.push({ lower, upper, unique: Math.abs(upper - lower) <= 1e-6 * Math.max(1, Math.abs(upper)) });
    }
    ranges.push(perStep);
  }
  return ok(ranges);
}

/** Objective with row r's bounds moved by delta; null when that is infeasible. */
async function shifted(backend: LpBackend, model: LpModel, r: number, delta: number): Promise<number | null> {
  const row = model.rows[r]!;
  model.rows[r] = { ...row, lower: row.lower + delta, upper: row.upper + delta };
  try {
    const sol = await backend.solve(model);
    return sol.status === 'optimal' ? sol.objective : null;
  } finally {
    model.rows[r] = row;
  }
}
