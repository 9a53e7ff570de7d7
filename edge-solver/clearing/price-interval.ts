// Prices by a written rule, not by the solver's whim. Block prices λ (minor/kWh, the marginal
// value of one more kWh at the block) are exactly the LP's optimal duals, and the set D of
// optimal duals is the same for every optimal primal: it is the set of λ satisfying the KKT
// conditions with it. For each variable of reduced profit r(λ) (bid: p − λ, offer: λ − p,
// import: λ − pᵢ, export: pₑ − λ, line a→b: (1−loss)·λ_b − λ_a − fee):
//   at its lower bound ⇒ r ≤ 0, at its upper bound ⇒ r ≥ 0, strictly between ⇒ r = 0.
// Steps and the grid bound one block's λ; lines give λ_to ≤ g·λ_from + c with g > 0. Such a
// system is a lattice (closed under componentwise min and max), so each block's interval
// [min λ_b, max λ_b] over D is found by propagating bounds (Bellman–Ford), the vector of upper
// ends lies in D, and so does the vector of midpoints.
import { NotOptimalError, type ClearingProblem, type Primal } from './problem.js';

export type PriceRule = 'midpoint' | 'pay-as-clear';
export const PRICE_RULES: readonly PriceRule[] = ['midpoint', 'pay-as-clear'];

/** Constraints u[to] ≤ gain·u[from] + constant (or ≥, for the lower-bound list). */
interface Edges {
  from: number[];
  to: number[];
  gain: number[];
  constant: number[];
}

export interface PriceSet {
  /** Per block, the lowest and highest valid price (±∞ where nothing bounds it). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly upperEdges: Edges;
}

const newEdges = (): Edges => ({ from: [], to: [], gain: [], constant: [] });

function push(e: Edges, from: number, to: number, gain: number, constant: number): void {
  e.from.push(from);
  e.to.push(to);
  e.gain.push(gain);
  e.constant.push(constant);
}

/** Tolerance for "at a bound" in Wh: LP values are exact to ~1e-9 relative. */
function atBound(x: number, bound: number): boolean {
  return Math.abs(x - bound) <= 1e-6 + 1e-9 * Math.abs(bound);
}

/** Where x sits in [lo, hi]: −1 at the lower bound, 1 at the upper, 0 strictly between, 2 fixed (lo = hi). */
function position(x: number, lo: number, hi: number): -1 | 0 | 1 | 2 {
  if (hi <= lo) return 2;
  if (atBound(x, lo)) return -1;
  if (hi !== Infinity && atBound(x, hi)) return 1;
  return 0;
}

export function priceSet(p: ClearingProblem, x: Primal): PriceSet {
  const nb = p.blockIds.length;
  const lower = new Float64Array(nb).fill(-Infinity);
  const upper = new Float64Array(nb).fill(Infinity);
  // A variable with reduced profit r = sign·(λ − price) constrains λ through its position.
  const bound = (b: number, sign: 1 | -1, price: number, pos: -1 | 0 | 1 | 2): void => {
    if (pos === 2) return;
    // r ≤ 0 when at lower (pos −1), r ≥ 0 when at upper (pos 1), both when between.
    const wantNonPositive = pos === -1 || pos === 0;
    const wantNonNegative = pos === 1 || pos === 0;
    // sign 1: r = λ − price; sign −1: r = price − λ.
    if (wantNonPositive) sign === 1 ? (upper[b] = Math.min(upper[b]!, price)) : (lower[b] = Math.max(lower[b]!, price));
    if (wantNonNegative) sign === 1 ? (lower[b] = Math.max(lower[b]!, price)) : (upper[b] = Math.min(upper[b]!, price));
  };
  const ns = p.stepOrder.length;
  for (let s = 0; s < ns; s++) {
    const pos = position(x.step[s]!, 0, p.stepEnergyWh[s]!);
    bound(p.stepBlock[s]!, p.stepIsBid[s] === 1 ? -1 : 1, p.stepPrice[s]!, pos);
  }
  for (let b = 0; b < nb; b++) {
    const cap = p.gridCapWh[b]!;
    bound(b, 1, p.importPrice[b]!, position(x.gridImportWh[b]!, 0, cap));
    bound(b, -1, p.exportPrice[b]!, position(x.gridExportWh[b]!, 0, cap));
  }
  const upperEdges = newEdges();
  const lowerEdges = newEdges();
  for (let l = 0; l < p.lines.length; l++) {
    const cap = p.lineCapWh[l]!;
    const keep = 1 - p.lineLoss[l]!;
    const fee = p.lineFee[l]!;
    for (const dir of [0, 1]) {
      const a = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const b = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      const pos = position(dir === 0 ? x.forwardWh[l]! : x.backwardWh[l]!, 0, cap);
      if (pos === 2) continue;
      // r = keep·λ_b − λ_a − fee.
      if (pos === -1 || pos === 0) {
        push(upperEdges, a, b, 1 / keep, fee / keep); // λ_b ≤ (λ_a + fee)/keep
        push(lowerEdges, b, a, keep, -fee); // λ_a ≥ keep·λ_b − fee
      }
      if (pos === 1 || pos === 0) {
        push(upperEdges, b, a, keep, -fee); // λ_a ≤ keep·λ_b − fee
        push(lowerEdges, a, b, 1 / keep, fee / keep); // λ_b ≥ (λ_a + fee)/keep
      }
    }
  }
  propagate(upper, upperEdges, -1);
  propagate(lower, lowerEdges, 1);
  for (let b = 0; b < nb; b++) {
    const gap = lower[b]! - upper[b]!;
    if (gap > 0) {
      if (gap > 1e-6 * (1 + Math.abs(upper[b]!))) {
        throw new NotOptimalError(`priceSet: no valid price at block ${p.blockIds[b]} (${lower[b]} > ${upper[b]}); the primal is not optimal`);
      }
      upper[b] = lower[b]!;
    }
  }
  return { lower, upper, upperEdges };
}

/** Tightens bounds along the edges until nothing changes: direction −1 lowers upper bounds, 1 raises lower ones. */
function propagate(v: Float64Array, e: Edges, direction: 1 | -1): void {
  const n = e.from.length;
  const rounds = v.length + 2;
  for (let round = 0; round < rounds; round++) {
    let changed = false;
    for (let k = 0; k < n; k++) {
      const candidate = e.gain[k]! * v[e.from[k]!]! + e.constant[k]!;
      const current = v[e.to[k]!]!;
      if (Number.isNaN(candidate)) continue;
      const better = direction === -1 ? candidate < current - 1e-12 * (1 + Math.abs(candidate)) : candidate > current + 1e-12 * (1 + Math.abs(candidate));
      if (better) {
        v[e.to[k]!] = candidate;
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/**
 * The published price vector: the rule names a target per block (midpoint of the interval, or
 * its high end for pay-as-clear; the finite end where the interval is half-open), and the price
 * is the greatest valid vector not above the target. With both ends finite that is the target
 * itself. NaN where nothing bounds the block's price from above.
 */
export function pricesByRule(set: PriceSet, rule: PriceRule): Float64Array {
  const nb = set.lower.length;
  const price = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const lo = set.lower[b]!;
    const hi = set.upper[b]!;
    let target: number;
    if (lo === -Infinity || hi === Infinity) target = hi !== Infinity ? hi : lo !== -Infinity ? lo : Infinity;
    else target = rule === 'midpoint' ? lo + (hi - lo) / 2 : hi;
    price[b] = Math.min(hi, target);
  }
  propagate(price, set.upperEdges, -1);
  for (let b = 0; b < nb; b++) if (!Number.isFinite(price[b]!)) price[b] = NaN;
  return price;
}
