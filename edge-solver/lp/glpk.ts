// GLPK (WebAssembly, package `glpk.js`) as an LpBackend. Names are generated (x0…, r0…) so no
// caller name can clash with GLPK's syntax; presolve is off because with it GLPK reports an
// infeasible model as "undefined" rather than "no feasible solution".
import type { LpBackend, LpModel, LpSolution, LpStatus } from './model.js';

interface GlpkTerm { name: string; coef: number }
interface GlpkBounds { type: number; lb: number; ub: number }
interface GlpkResult { result: { status: number; z: number; vars: Record<string, number>; dual?: Record<string, number> } }
interface Glpk {
  readonly GLP_MIN: number;
  readonly GLP_MAX: number;
  readonly GLP_FR: number;
  readonly GLP_LO: number;
  readonly GLP_UP: number;
  readonly GLP_DB: number;
  readonly GLP_FX: number;
  readonly GLP_MSG_OFF: number;
  readonly GLP_OPT: number;
  readonly GLP_FEAS: number;
  readonly GLP_NOFEAS: number;
  readonly GLP_INFEAS: number;
  readonly GLP_UNBND: number;
  solve(lp: unknown, options: { msglev: number; presol: boolean }): GlpkResult;
}

let runtime: Promise<Glpk> | undefined;

/** Loads the synchronous Node build of glpk.js once per process. */
function loadGlpk(): Promise<Glpk> {
  if (runtime === undefined) {
    runtime = import('glpk.js/node').then((mod) => (mod.default as unknown as () => Promise<Glpk>)());
  }
  return runtime;
}

function boundsOf(g: Glpk, lower: number, upper: number): GlpkBounds {
  const hasLower = lower !== -Infinity;
  const hasUpper = upper !== Infinity;
  if (hasLower && hasUpper) return lower === upper ? { type: g.GLP_FX, lb: lower, ub: upper } : { type: g.GLP_DB, lb: lower, ub: upper };
  if (hasLower) return { type: g.GLP_LO, lb: lower, ub: 0 };
  if (hasUpper) return { type: g.GLP_UP, lb: 0, ub: upper };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

function toGlpkModel(g: Glpk, model: LpModel): unknown {
  const n = model.variables.length;
  const objectiveVars: GlpkTerm[] = new Array(n);
  const bounds = new Array(n);
  for (let j = 0; j < n; j++) {
    const v = model.variables[j]!;
    // Every column appears in the objective (coefficient 0 included), so GLPK creates it.
    objectiveVars[j] = { name: `x${j}`, coef: v.cost };
    bounds[j] = { name: `x${j}`, ...boundsOf(g, v.lower, v.upper) };
  }
  const subjectTo = model.rows.map((row, i) => {
    const vars: GlpkTerm[] = new Array(row.index.length);
    for (let k = 0; k < row.index.length; k++) vars[k] = { name: `x${row.index[k]}`, coef: row.coef[k]! };
    return { name: `r${i}`, vars, bnds: boundsOf(g, row.lower, row.upper) };
  });
  return {
    name: 'nabo',
    objective: { direction: model.sense === 'max' ? g.GLP_MAX : g.GLP_MIN, name: 'objective', vars: objectiveVars },
    subjectTo,
    bounds,
  };
}

function statusOf(g: Glpk, code: number): LpStatus {
  if (code === g.GLP_OPT) return 'optimal';
  if (code === g.GLP_NOFEAS || code === g.GLP_INFEAS) return 'infeasible';
  if (code === g.GLP_UNBND) return 'unbounded';
  return 'error';
}

async function solve(model: LpModel): Promise<LpSolution> {
  const g = await loadGlpk();
  const n = model.variables.length;
  const m = model.rows.length;
  const out = g.solve(toGlpkModel(g, model), { msglev: g.GLP_MSG_OFF, presol: false }).result;
  const status = statusOf(g, out.status);
  if (status !== 'optimal') {
    return { status, backend: 'glpk', objective: NaN, values: new Float64Array(n), detail: `GLPK status ${out.status}` };
  }
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) values[j] = out.vars[`x${j}`] ?? 0;
  // GLPK's row duals are ∂objective/∂(row bound) in the model's sense, like HiGHS.
  const duals = new Float64Array(m);
  for (let i = 0; i < m; i++) duals[i] = out.dual?.[`r${i}`] ?? 0;
  return { status, backend: 'glpk', objective: out.z, values, duals };
}

export const glpkBackend: LpBackend = { name: 'glpk', hasDuals: true, solve };
