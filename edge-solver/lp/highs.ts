// HiGHS (WebAssembly, package `highs`) as an LpBackend. We hand it the model as typed arrays
// (`createModel` + `run`) instead of CPLEX LP text: no names to escape, no text to build or
// parse, and the row duals come back as an array. Simplex without presolve by default: on the
// clearing LP (hundreds of columns, a few rows) presolve and the one-shot `lpCall` cost 10–50×
// the solve itself.
import { createRequire } from 'node:module';
import type { LpBackend, LpModel, LpSolution, LpStatus } from './model.js';

interface HighsSolveOutput {
  solution: { colValue: Float64Array; rowValue: Float64Array; colDual: Float64Array; rowDual: Float64Array };
}

interface HighsModel {
  readonly options: { set(values: Record<string, unknown>): unknown };
  run(): { modelStatus: number };
  getSolution(): HighsSolveOutput['solution'];
  dispose(): void;
}

interface HighsRuntime {
  readonly infinity: number;
  createModel(model: unknown): HighsModel;
}

/** HiGHS options (names as in HiGHS) applied to every solve of a backend. */
export type HighsOptions = Record<string, string | number | boolean>;

const DEFAULT_OPTIONS: HighsOptions = { presolve: 'off', solver: 'simplex' };

// Model status codes of HiGHS (highs.constants.modelStatus).
const MODEL_OPTIMAL = 7;
const MODEL_INFEASIBLE = 8;
const MODEL_UNBOUNDED_OR_INFEASIBLE = 9;
const MODEL_UNBOUNDED = 10;
const MODEL_EMPTY = 6;

let runtime: Promise<HighsRuntime> | undefined;

/** Loads the WASM module once per process; every solve reuses it (each solve gets a fresh native model). */
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

async function solveWith(model: LpModel, options: HighsOptions): Promise<LpSolution> {
  const highs = await loadHighs();
  const n = model.variables.length;
  let handle: HighsModel | undefined;
  try {
    handle = highs.createModel(toHighsModel(model, highs.infinity));
    handle.options.set({ output_flag: false, ...options });
    const code = handle.run().modelStatus;
    const status = statusOf(code);
    if (status !== 'optimal') {
      return { status, backend: 'highs', objective: NaN, values: new Float64Array(n), detail: `HiGHS model status ${code}` };
    }
    const solution = handle.getSolution();
    const values = Float64Array.from(solution.colValue);
    // HiGHS already reports ∂objective/∂(row bound) in the model's sense, for min and max alike.
    const duals = Float64Array.from(solution.rowDual);
    return { status, backend: 'highs', objective: objectiveOf(model, values), values, duals };
  } catch (err) {
    // The wrapper throws on native errors (bad option, failed run): report, don't crash the caller.
    return { status: 'error', backend: 'highs', objective: NaN, values: new Float64Array(n), detail: `HiGHS: ${(err as Error).message}` };
  } finally {
    handle?.dispose();
  }
}

/** A HiGHS backend with its own options (e.g. `{ presolve: 'on' }` for large day-ahead models). */
export function createHighsBackend(options: HighsOptions = {}): LpBackend {
  const merged = { ...DEFAULT_OPTIONS, ...options };
  return { name: 'highs', hasDuals: true, solve: (model) => solveWith(model, merged) };
}

export const highsBackend: LpBackend = createHighsBackend();
