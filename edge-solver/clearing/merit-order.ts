// The single-block fast path: sort offers (with grid import and any inelastic surplus) up and
// bids (with grid export and any inelastic load) down, and cross the curves while the bid is
// worth more than the offer. That is an optimal solution of the block's LP; prices and tie
// rules then run on it exactly as on the LP's, so both paths give the identical result.
import { emptyPrimal, type ClearingProblem, type Primal } from './problem.js';

// Curve entries beyond the steps: grid and inelastic net load.
const GRID = -1;
const NET_LOAD = -2;

export type MeritOrderOutcome = { feasible: true; primal: Primal } | { feasible: false; detail: string };

export function solveMeritOrder(p: ClearingProblem): MeritOrderOutcome {
  if (p.blockIds.length !== 1 || p.lines.length !== 0) throw new Error('solveMeritOrder: the merit order clears exactly one block without lines');
  const ns = p.stepOrder.length;
  let nBids = 0;
  for (let s = 0; s < ns; s++) nBids += p.stepIsBid[s]!;
  const nOffers = ns - nBids;
  // Each side: steps, grid, net load (price ±∞ = must be served).
  const supplyRef = new Int32Array(nOffers + 2);
  const supplyPrice = new Float64Array(nOffers + 2);
  const supplyQty = new Float64Array(nOffers + 2);
  const demandRef = new Int32Array(nBids + 2);
  const demandPrice = new Float64Array(nBids + 2);
  const demandQty = new Float64Array(nBids + 2);
  let ks = 0;
  let kd = 0;
  for (let s = 0; s < ns; s++) {
    if (p.stepIsBid[s] === 1) {
      demandRef[kd] = s;
      demandPrice[kd] = p.stepPrice[s]!;
      demandQty[kd++] = p.stepEnergyWh[s]!;
    } else {
      supplyRef[ks] = s;
      supplyPrice[ks] = p.stepPrice[s]!;
      supplyQty[ks++] = p.stepEnergyWh[s]!;
    }
  }
  const cap = p.gridCapWh[0]!;
  if (cap > 0) {
    supplyRef[ks] = GRID;
    supplyPrice[ks] = p.importPrice[0]!;
    supplyQty[ks++] = cap;
    demandRef[kd] = GRID;
    demandPrice[kd] = p.exportPrice[0]!;
    demandQty[kd++] = cap;
  }
  const netLoad = p.netLoadWh[0]!;
  if (netLoad > 0) {
    demandRef[kd] = NET_LOAD;
    demandPrice[kd] = Infinity;
    demandQty[kd++] = netLoad;
  } else if (netLoad < 0) {
    supplyRef[ks] = NET_LOAD;
    supplyPrice[ks] = -Infinity;
    supplyQty[ks++] = -netLoad;
  }
  const supplyOrder = sortedIndices(supplyPrice, ks, 1);
  const demandOrder = sortedIndices(demandPrice, kd, -1);
  const x = emptyPrimal(p);
  const take = (ref: number, isSupply: boolean, q: number): void => {
    if (ref >= 0) x.step[ref] = x.step[ref]! + q;
    else if (ref === GRID) {
      if (isSupply) x.gridImportWh[0] = x.gridImportWh[0]! + q;
      else x.gridExportWh[0] = x.gridExportWh[0]! + q;
    }
  };
  let i = 0;
  let j = 0;
  let supplyLeft = ks > 0 ? supplyQty[supplyOrder[0]!]! : 0;
  let demandLeft = kd > 0 ? demandQty[demandOrder[0]!]! : 0;
  while (i < ks && j < kd) {
    const si = supplyOrder[i]!;
    const dj = demandOrder[j]!;
    if (!(demandPrice[dj]! > supplyPrice[si]!)) break;
    const q = Math.min(supplyLeft, demandLeft);
    take(supplyRef[si]!, true, q);
    take(demandRef[dj]!, false, q);
    supplyLeft -= q;
    demandLeft -= q;
    if (supplyLeft === 0 && ++i < ks) supplyLeft = supplyQty[supplyOrder[i]!]!;
    if (demandLeft === 0 && ++j < kd) demandLeft = demandQty[demandOrder[j]!]!;
  }
  // The inelastic net load must be matched in full.
  if (netLoad > 0 && unmatched(demandRef, demandOrder, j, kd, demandLeft, demandQty)) {
    return { feasible: false, detail: `block ${p.blockIds[0]}: ${netLoad} Wh of net load cannot be served` };
  }
  if (netLoad < 0 && unmatched(supplyRef, supplyOrder, i, ks, supplyLeft, supplyQty)) {
    return { feasible: false, detail: `block ${p.blockIds[0]}: ${-netLoad} Wh of surplus cannot be placed` };
  }
  return { feasible: true, primal: x };
}

function unmatched(ref: Int32Array, order: Int32Array, at: number, n: number, left: number, qty: Float64Array): boolean {
  for (let k = at; k < n; k++) {
    const idx = order[k]!;
    if (ref[idx] !== NET_LOAD) continue;
    return (k === at ? left : qty[idx]!) > 0;
  }
  return false;
}

/**
 * Indices 0..n−1 sorted by price (ascending when dir 1), ties by index so the walk is
 * deterministic. Infinite prices (must-serve net load) come first. Integer prices and indices
 * are packed into one float key so the native numeric sort does the work (no comparator calls).
 */
function sortedIndices(price: Float64Array, n: number, dir: 1 | -1): Int32Array {
  const idx = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (!Number.isFinite(price[i]!)) idx[k++] = i;
  const first = k;
  let packable = n < 2 ** 21;
  for (let i = 0; i < n && packable; i++) {
    const p = price[i]!;
    if (Number.isFinite(p) && (!Number.isInteger(p) || Math.abs(p) > 2 ** 30)) packable = false;
  }
  if (packable) {
    const keys = new Float64Array(n - first);
    let m = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(price[i]!)) keys[m++] = dir * price[i]! * 2 ** 21 + i;
    keys.sort();
    for (let j = 0; j < m; j++) {
      const key = keys[j]!;
      const i = key - Math.floor(key / 2 ** 21) * 2 ** 21;
      idx[first + j] = i;
    }
    return idx;
  }
  for (let i = 0; i < n; i++) if (Number.isFinite(price[i]!)) idx[k++] = i;
  idx.subarray(first).sort((a, b) => dir * (price[a]! - price[b]!) || a - b);
  return idx;
}
