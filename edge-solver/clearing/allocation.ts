// From one optimal primal to THE allocation, by written tie rules. At valid prices λ, a
// variable whose reduced profit is not zero sits at the bound the sign says, in every optimum;
// only "marginal" variables (price exactly λ) can differ between optima. Per block, the
// marginal bids, offers and grid exchange are chosen so that:
//   1. traded order volume is largest (Grid Singularity matches equal-price bids and offers),
//   2. then grid exchange is smallest, imports and exports netted,
//   3. equal-price marginal orders of a block share their side's total pro rata to their step
//      energy (largest remainder to the Wh, ties to the earlier step in canonical order).
// A block joined to another through a marginal line (prices differ by exactly the line's fee)
// keeps the solver's block totals: rules 1–2 there would need a second LP; the block's
// configuration fixes the backend, so the gateways still agree. Rule 3 applies everywhere.
import type { ClearingProblem, Primal } from './problem.js';
import { emptyPrimal } from './problem.js';
import { splitProRata, toWh } from './rounding.js';

export interface Allocation extends Primal {
  /** Energy arriving at the far end of each line, each way (sent minus loss), in Wh. */
  forwardDeliveredWh: Float64Array;
  backwardDeliveredWh: Float64Array;
}

function isZero(r: number, scale: number): boolean {
  return Math.abs(r) <= 1e-9 * (1 + Math.abs(scale));
}

export function allocate(p: ClearingProblem, x: Primal, lambda: Float64Array): Allocation {
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  const ns = p.stepOrder.length;
  const a = emptyPrimal(p);
  const linked = new Uint8Array(nb);
  // Lines: non-marginal directions sit at a bound; marginal ones keep the solver's value.
  for (let l = 0; l < nl; l++) {
    const cap = p.lineCapWh[l]!;
    const keep = 1 - p.lineLoss[l]!;
    for (const dir of [0, 1]) {
      const from = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const to = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      const solved = dir === 0 ? x.forwardWh[l]! : x.backwardWh[l]!;
      const r = keep * lambda[to]! - lambda[from]! - p.lineFee[l]!;
      let value: number;
      if (cap === 0) value = 0;
      else if (Number.isNaN(r) || isZero(r, lambda[to]!)) {
        value = solved;
        linked[from] = 1;
        linked[to] = 1;
      } else value = r > 0 ? cap : 0;
      (dir === 0 ? a.forwardWh : a.backwardWh)[l] = value;
    }
  }
  // Residual each block must balance with its marginal orders and grid: net load + fixed
  // demand − fixed supply, lines included.
  const residual = Float64Array.from(p.netLoadWh);
  for (let l = 0; l < nl; l++) {
    const keep = 1 - p.lineLoss[l]!;
    const f = p.lineFrom[l]!;
    const t = p.lineTo[l]!;
    residual[f] = residual[f]! + a.forwardWh[l]! - keep * a.backwardWh[l]!;
    residual[t] = residual[t]! + a.backwardWh[l]! - keep * a.forwardWh[l]!;
  }
  const marginalBids: number[][] = Array.from({ length: nb }, () => []);
  const marginalOffers: number[][] = Array.from({ length: nb }, () => []);
  const solvedBids = new Float64Array(nb);
  const solvedOffers = new Float64Array(nb);
  for (let s = 0; s < ns; s++) {
    const b = p.stepBlock[s]!;
    const bid = p.stepIsBid[s] === 1;
    const lam = lambda[b]!;
    const r = Number.isNaN(lam) ? NaN : bid ? p.stepPrice[s]! - lam : lam - p.stepPrice[s]!;
    if (Number.isNaN(r) || isZero(r, lam)) {
      (bid ? marginalBids : marginalOffers)[b]!.push(s);
      if (bid) solvedBids[b] = solvedBids[b]! + x.step[s]!;
      else solvedOffers[b] = solvedOffers[b]! + x.step[s]!;
      continue;
    }
    const q = r > 0 ? p.stepEnergyWh[s]! : 0;
    a.step[s] = q;
    residual[b] = residual[b]! + (bid ? q : -q);
  }
  for (let b = 0; b < nb; b++) {
    const lam = lambda[b]!;
    let bidTotal: number;
    let offerTotal: number;
    let gridNet: number;
    if (linked[b] === 1 || Number.isNaN(lam)) {
      bidTotal = toWh(solvedBids[b]!);
      offerTotal = toWh(solvedOffers[b]!);
      gridNet = x.gridImportWh[b]! - x.gridExportWh[b]!;
    } else {
      [bidTotal, offerTotal, gridNet] = closedForm(p, b, lam, residual[b]!, marginalBids[b]!, marginalOffers[b]!);
    }
    splitProRata(bidTotal, marginalBids[b]!, p.stepEnergyWh, a.step);
    splitProRata(offerTotal, marginalOffers[b]!, p.stepEnergyWh, a.step);
    a.gridImportWh[b] = gridNet > 0 ? gridNet : 0;
    a.gridExportWh[b] = gridNet < 0 ? -gridNet : 0;
  }
  return roundAndBalance(p, a);
}

/** Rules 1 and 2 for one block: returns [marginal bid total, marginal offer total, import − export]. */
function closedForm(p: ClearingProblem, b: number, lam: number, residual: number, bids: number[], offers: number[]): [number, number, number] {
  let bidCap = 0;
  for (const s of bids) bidCap += p.stepEnergyWh[s]!;
  let offerCap = 0;
  for (const s of offers) offerCap += p.stepEnergyWh[s]!;
  const cap = p.gridCapWh[b]!;
  let need = residual;
  let importRoom = 0;
  let exportRoom = 0;
  const ri = lam - p.importPrice[b]!;
  if (isZero(ri, lam)) importRoom = cap;
  else if (ri > 0) need -= cap;
  const re = p.exportPrice[b]! - lam;
  if (isZero(re, lam)) exportRoom = cap;
  else if (re > 0) need += cap;
  // d = marginal offers − marginal bids must cover `need` up to what the grid can take.
  const dLow = Math.max(need - importRoom, -bidCap);
  const dHigh = Math.min(need + exportRoom, offerCap);
  if (dLow > dHigh + 1e-6 * (1 + Math.abs(dHigh))) {
    throw new Error(`allocate: block ${p.blockIds[b]} cannot balance at price ${lam} (primal not optimal)`);
  }
  // Volume b + o = min(2·bidCap + d, 2·offerCap − d) peaks at d = offerCap − bidCap; closest to `need` otherwise.
  const d = toWh(Math.min(Math.max(offerCap - bidCap, dLow), dHigh));
  const bidTotal = Math.min(bidCap, offerCap - d);
  const offerTotal = bidTotal + d;
  const gridBase = (ri > 0 && !isZero(ri, lam) ? cap : 0) - (re > 0 && !isZero(re, lam) ? cap : 0);
  return [bidTotal, offerTotal, gridBase + need - d];
}

/**
 * Integer Wh everywhere, every block balanced exactly: orders and lines are already integral
 * (or rounded here); a line delivers round((1 − loss)·sent); the grid exchange is what balances
 * the block. Where the grid cannot take a rounding residual (island, cap), the loss on the
 * block's incoming line absorbs it.
 */
function roundAndBalance(p: ClearingProblem, a: Primal): Allocation {
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  for (let s = 0; s < a.step.length; s++) a.step[s] = toWh(a.step[s]!);
  const forwardDeliveredWh = new Float64Array(nl);
  const backwardDeliveredWh = new Float64Array(nl);
  const net = new Float64Array(nb); // supply − demand before the grid
  for (let l = 0; l < nl; l++) {
    let fw = toWh(a.forwardWh[l]!);
    let bw = toWh(a.backwardWh[l]!);
    if (p.lineLoss[l] === 0 && fw > 0 && bw > 0) {
      // Energy both ways on a lossless line is a tie with its net; publish the net.
      const d = fw - bw;
      fw = Math.max(d, 0);
      bw = Math.max(-d, 0);
    }
    a.forwardWh[l] = fw;
    a.backwardWh[l] = bw;
    const keep = 1 - p.lineLoss[l]!;
    forwardDeliveredWh[l] = toWh(keep * fw);
    backwardDeliveredWh[l] = toWh(keep * bw);
    const f = p.lineFrom[l]!;
    const t = p.lineTo[l]!;
    net[f] = net[f]! - fw + backwardDeliveredWh[l]!;
    net[t] = net[t]! - bw + forwardDeliveredWh[l]!;
  }
  for (let s = 0; s < a.step.length; s++) {
    const b = p.stepBlock[s]!;
    net[b] = net[b]! + (p.stepIsBid[s] === 1 ? -a.step[s]! : a.step[s]!);
  }
  for (let b = 0; b < nb; b++) {
    let gridNet = p.netLoadWh[b]! - net[b]!; // import − export that balances the block
    const cap = p.gridCapWh[b]!;
    if (Math.abs(gridNet) > cap) {
      const within = Math.max(-cap, Math.min(cap, gridNet));
      gridNet = within + absorbInLoss(p, a, b, gridNet - within, forwardDeliveredWh, backwardDeliveredWh);
    }
    if (Math.abs(gridNet) > cap) throw new Error(`allocate: block ${p.blockIds[b]} cannot be balanced to the Wh within its connection cap`);
    a.gridImportWh[b] = gridNet > 0 ? gridNet : 0;
    a.gridExportWh[b] = gridNet < 0 ? -gridNet : 0;
  }
  return { ...a, forwardDeliveredWh, backwardDeliveredWh };
}

/** Moves a rounding residual of block b into the delivery of its incoming lossy lines; returns what is left. */
function absorbInLoss(p: ClearingProblem, a: Primal, b: number, residual: number, fwd: Float64Array, bwd: Float64Array): number {
  for (let l = 0; l < p.lines.length && residual !== 0; l++) {
    if (p.lineLoss[l] === 0) continue;
    const forward = p.lineTo[l] === b;
    if (!forward && p.lineFrom[l] !== b) continue;
    const delivered = forward ? fwd : bwd;
    const sent = (forward ? a.forwardWh : a.backwardWh)[l]!;
    // residual > 0: the block is short, so more arrives (less loss), never more than was sent.
    const moved = residual > 0 ? Math.min(residual, sent - delivered[l]!) : Math.max(residual, -delivered[l]!);
    delivered[l] = delivered[l]! + moved;
    residual -= moved;
  }
  return residual;
}
