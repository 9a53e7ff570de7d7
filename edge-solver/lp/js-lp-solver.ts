// javascript-lp-solver (pure JS simplex) as an LpBackend: the fallback that needs no WASM. It
// has no duals, so clearing derives prices from the primal alone (see clearing/price-interval.ts).
// Its JSON model knows only non-negative or free variables and named constraints, so variable
// bounds other than [0, ∞) become constraint rows of their own.
import { createRequire } from 'node:module';
import type { LpBackend, LpModel, LpSolution } from './model.js';

type Bound = { min?: number; max?: number; equal?: number };
interface JsLpModel {
  optimize: string;
  opType: 'min' | 'max';
  constraints: Record<string, Bound>;
  variables: Record<string, Record<string, number>>;
  unrestricted: Record<string, 1>;
  options: { tolerance: number; presolve: boolean };
}
interface JsLpSolver {
  Solve(model: JsLpModel): { feasible: boolean; result: number; bounded?: boolean; [name: string]: unknown };
}

let solver: JsLpSolver | undefined;

function load(): JsLpSolver {
  solver ??= createRequire(import.meta.url)('javascript-lp-solver') as JsLpSolver;
  return solver;
}

const OBJECTIVE = 'objective';

function boundOf(lower: number, upper: number): Bound | undefined {
  const hasLower = lower !== -Infinity;
  const hasUpper = upper !== Infinity;
  if (hasLower && hasUpper) return lower === upper ? { equal: lower } : { min: lower, max: upper };
  if (hasLower) return { min: lower };
  if (hasUpper) return { max: upper };
  return undefined;
}

function toJsLpModel(model: LpModel): JsLpModel {
  const constraints: Record<string, Bound> = {};
  const variables: Record<string, Record<string, number>> = {};
  const unrestricted: Record<string, 1> = {};
  model.variables.forEach((v, j) => {
    const name = `x${j}`;
    const coefs: Record<string, number> = { [OBJECTIVE]: v.cost };
    variables[name] = coefs;
    if (v.lower !== 0) unrestricted[name] = 1;
    const own = boundOf(v.lower === 0 ? -Infinity : v.lower, v.upper);
    if (own !== undefined) {
      constraints[`b${j}`] = own;
      coefs[`b${j}`] = 1;
    }
  });
  model.rows.forEach((row, i) => {
    const bound = boundOf(row.lower, row.upper);
    if (bound === undefined) return;
    constraints[`r${i}`] = bound;
    for (let k = 0; k < row.index.length; k++) variables[`x${row.index[k]}`]![`r${i}`] = row.coef[k]!;
  });
  return { optimize: OBJECTIVE, opType: model.sense, constraints, variables, unrestricted, options: { tolerance: 0, presolve: false } };
}

async function solve(model: LpModel): Promise<LpSolution> {
  const n = model.variables.length;
  const out = load().Solve(toJsLpModel(model));
  if (!out.feasible) return { status: 'infeasible', backend: 'js-lp-solver', objective: NaN, values: new Float64Array(n), detail: 'not feasible' };
  if (out.bounded === false) return { status: 'unbounded', backend: 'js-lp-solver', objective: NaN, values: new Float64Array(n), detail: 'unbounded' };
  const values = new Float64Array(n);
  let objective = 0;
  for (let j = 0; j < n; j++) {
    const x = out[`x${j}`];
    values[j] = typeof x === 'number' ? x : 0; // variables at zero are left out of the result
    objective += model.variables[j]!.cost * values[j]!;
  }
  return { status: 'optimal', backend: 'js-lp-solver', objective, values };
}

export const jsLpSolverBackend: LpBackend = { name: 'js-lp-solver', hasDuals: false, solve };
