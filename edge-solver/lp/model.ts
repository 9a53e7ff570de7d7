// A small LP model builder: named variables with bounds and an objective coefficient, and rows
// `lower ≤ Σ coef·x ≤ upper`. Backends (highs, glpk.js, javascript-lp-solver) translate it.
// Variables and rows are kept in insertion order, which callers make canonical, so that every
// gateway hands the solver the identical model.

export type Sense = 'min' | 'max';

export interface VariableSpec {
  lower?: number;
  upper?: number;
  cost?: number;
}

export interface RowSpec {
  lower?: number;
  upper?: number;
}

export interface LpVariable {
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
  readonly cost: number;
}

export interface LpRow {
  readonly name: string;
  /** Variable indices, ascending, and their coefficients. */
  readonly index: Int32Array;
  readonly coef: Float64Array;
  readonly lower: number;
  readonly upper: number;
}

export class LpModel {
  readonly variables: LpVariable[] = [];
  readonly rows: LpRow[] = [];
  private readonly variableIndex = new Map<string, number>();
  private readonly rowNames = new Set<string>();

  constructor(readonly sense: Sense = 'min') {}

  /** Adds a variable (default bounds [0, +∞), cost 0); returns its index. Names are unique. */
  addVariable(name: string, spec: VariableSpec = {}): number {
    if (this.variableIndex.has(name)) throw new Error(`LpModel: duplicate variable ${name}`);
    const lower = spec.lower ?? 0;
    const upper = spec.upper ?? Infinity;
    if (!(lower <= upper)) throw new Error(`LpModel: variable ${name} has lower ${lower} > upper ${upper}`);
    const i = this.variables.length;
    this.variables.push({ name, lower, upper, cost: spec.cost ?? 0 });
    this.variableIndex.set(name, i);
    return i;
  }

  /** Adds a row `lower ≤ Σ coef·x ≤ upper` from [index, coef] terms; equal indices are summed. */
  addRow(name: string, terms: ReadonlyArray<readonly [number, number]>, spec: RowSpec): number {
    if (this.rowNames.has(name)) throw new Error(`LpModel: duplicate row ${name}`);
    const lower = spec.lower ?? -Infinity;
    const upper = spec.upper ?? Infinity;
    if (!(lower <= upper)) throw new Error(`LpModel: row ${name} has lower ${lower} > upper ${upper}`);
    const n = this.variables.length;
    // Fast path (the common case, and the hot one when building a day-ahead model): terms
    // already in ascending index order without repeats need no merging.
    let ordered = true;
    for (let t = 0; t < terms.length; t++) {
      const j = (terms[t] as readonly [number, number])[0];
      if (!(j >= 0 && j < n)) throw new Error(`LpModel: row ${name} refers to unknown variable ${j}`);
      if (t > 0 && j <= (terms[t - 1] as readonly [number, number])[0]) ordered = false;
    }
    let index: Int32Array;
    let coef: Float64Array;
    if (ordered) {
      let k = 0;
      for (const [, c] of terms) if (c !== 0) k++;
      index = new Int32Array(k);
      coef = new Float64Array(k);
      k = 0;
      for (const [j, c] of terms) {
        if (c === 0) continue;
        index[k] = j;
        coef[k++] = c;
      }
    } else {
      const merged = new Map<number, number>();
      for (const [j, c] of terms) if (c !== 0) merged.set(j, (merged.get(j) ?? 0) + c);
      const sorted = [...merged.entries()].filter(([, c]) => c !== 0).sort((a, b) => a[0] - b[0]);
      index = Int32Array.from(sorted.map((t) => t[0]));
      coef = Float64Array.from(sorted.map((t) => t[1]));
    }
    this.rows.push({ name, index, coef, lower, upper });
    this.rowNames.add(name);
    return this.rows.length - 1;
  }

  variable(name: string): number {
    const i = this.variableIndex.get(name);
    if (i === undefined) throw new Error(`LpModel: no variable ${name}`);
    return i;
  }
}

export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'error';

export interface LpSolution {
  status: LpStatus;
  backend: string;
  /** Objective value in the model's sense. */
  objective: number;
  /** Primal values by variable index. */
  values: Float64Array;
  /**
   * Row duals by row index, when the backend gives them; undefined for backends without duals.
   * Sign convention (the same for every backend): the dual of a row is ∂objective/∂(its active
   * bound), with the objective in the model's sense. Minimising, raising the lower bound of a
   * binding `≥` row by one raises the objective by the dual (dual ≥ 0); maximising, the same
   * row has dual ≤ 0. A row with no active bound has dual 0.
   */
  duals?: Float64Array;
  /** Human-readable detail for non-optimal statuses. */
  detail?: string;
}

export interface LpBackend {
  readonly name: string;
  readonly hasDuals: boolean;
  solve(model: LpModel): Promise<LpSolution>;
}
