// HiGHS (WebAssembly, package `highs`) as an LpBackend. We hand it the model as typed arrays
// through its stateless `raw.lpCall` (the C API's Highs_lpCall) instead of CPLEX LP text:
// no names to escape, no text to build or parse, and the row duals come back as an array.
import { createRequire } from 'node:module';
import type { LpBackend, LpModel, LpSolution, LpStatus } from './model.js';

interface HighsSolveOutput {
  modelStatus: number;
  solution: { colValue: Float64Array; rowValue: Float64Array; colDual: Float64Array; rowDual: Float64Array };
}

interface HighsRuntime {
  readonly infinity: number;
  readonly raw: {
    lpCall(model: unknown): { status: -1; value?: never } | { status: 0 | 1; value: HighsSolveOutput };
  };
}

// Model status codes of HiGHS (highs.constants.modelStatus).
const MODEL_OPTIMAL = 7;
const MODEL_INFEASIBLE = 8;
const MODEL_UNBOUNDED_OR_INFEASIBLE = 9;
const MODEL_UNBOUNDED = 10;
const MODEL_EMPTY = 6;

let runtime: Promise<HighsRuntime> | undefined;

/** Loads the WASM module once per process; every solve reuses it (each call gets a fresh native solver). */
export function loadHighs(): Promise<HighsRuntime> {
  if (runtime === undefined) {
    const loader = createRequire(import.meta.url)('highs') as () => Promise<HighsRuntime>;
    runtime = loader();
  }
  return runtime;
}

/** The model as HiGHS input: CSR matrix straight from the model's sorted rows. */
export function toHighsModel(model: LpModel, infinity: number): Record<string, unknown> {
  const n = model.variables.length;
  const m = model.rows.length;
  const senseSign = model.sense === 'max' ? -1 : 1;
  const colCost = new Float64Array(n);
  const colLower = new Float64Array(n);
  const colUpper = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const v = model.variables[j]!;
    colCost[j] = v.cost;
    colLower[j] = clampInfinity(v.lower, infinity);
    colUpper[j] = clampInfinity(v.upper, infinity);
  }
  const rowLower = new Float64Array(m);
  const rowUpper = new Float64Array(m);
  const starts = new Int32Array(m + 1);
  let nnz = 0;
  for (let i = 0; i < m; i++) nnz += model.rows[i]!.index.length;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const row = model.rows[i]!;
    rowLower[i] = clampInfinity(row.lower, infinity);
    rowUpper[i] = clampInfinity(row.upper, infinity);
    starts[i] = k;
    indices.set(row.index, k);
    values.set(row.coef, k);
    k += row.index.length;
  }
  starts[m] = k;
  return {
    numCols: n,
    numRows: m,
    sense: senseSign,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows: m, numCols: n, starts, indices, values },
  };
}

function clampInfinity(x: number, infinity: number): number {
  if (x === Infinity) return infinity;
  if (x === -Infinity) return -infinity;
  return x;
}

function statusOf(code: number): LpStatus {
  if (code === MODEL_OPTIMAL || code === MODEL_EMPTY) return 'optimal';
  if (code === MODEL_INFEASIBLE || code === MODEL_UNBOUNDED_OR_INFEASIBLE) return 'infeasible';
  if (code === MODEL_UNBOUNDED) return 'unbounded';
  return 'error';
}

function objectiveOf(model: LpModel, values: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += model.variables[j]!.cost * values[j]!;
  return sum;
}

async function solve(model: LpModel): Promise<LpSolution> {
  const highs = await loadHighs();
  const n = model.variables.length;
  const result = highs.raw.lpCall(toHighsModel(model, highs.infinity));
  if (result.status === -1) {
    return { status: 'error', backend: 'highs', objective: NaN, values: new Float64Array(n), detail: 'HiGHS lpCall returned an error status' };
  }
  const out = result.value;
  const status = statusOf(out.modelStatus);
  if (status !== 'optimal') {
    return { status, backend: 'highs', objective: NaN, values: new Float64Array(n), detail: `HiGHS model status ${out.modelStatus}` };
  }
  const values = Float64Array.from(out.solution.colValue);
  // HiGHS already reports ∂objective/∂(row bound) in the model's sense, for min and max alike.
  const duals = Float64Array.from(out.solution.rowDual);
  return { status, backend: 'highs', objective: objectiveOf(model, values), values, duals };
}

export const highsBackend: LpBackend = { name: 'highs', hasDuals: true, solve };
