// From one optimal primal to THE allocation, by written tie rules. At valid prices λ, a
// variable whose reduced profit is not zero sits at the bound the sign says, in every optimum;
// only "marginal" variables (price exactly λ, or a line whose price difference is exactly its
// fee) can differ between optima. Among the optima the allocation is chosen so that:
//   1. traded order volume is largest (Grid Singularity matches equal-price bids and offers),
//   2. then the energy moved is least: grid exchange plus line flows (trade stays local),
//      imports and exports netted; remaining ties go to the earlier block or line in
//      canonical order (a weight 1 + k/(2K+2) per grid exchange or line direction k),
//   3. equal-price marginal orders of a block share their side's total pro rata to their step
//      energy (largest remainder to the Wh, ties to the earlier step in canonical order).
// A block without a marginal line gets rules 1–2 in closed form; blocks joined by marginal
// lines get them from a small second LP over the marginal quantities only (linked-blocks.ts).
import type { LpBackend } from '../lp/model.js';
import { solveLinkedBlocks, type LinkedSolution, type MarginalBlocks } from './linked-blocks.js';
import type { ClearingProblem, Primal } from './problem.js';
import { emptyPrimal, NotOptimalError } from './problem.js';
import { repairBalance } from './balance-repair.js';
import { splitProRata, toWh } from './rounding.js';

export interface Allocation extends Primal {
  /** Energy arriving at the far end of each line, each way (sent minus loss), in Wh. */
  forwardDeliveredWh: Float64Array;
  backwardDeliveredWh: Float64Array;
}

function isZero(r: number, scale: number): boolean {
  return Math.abs(r) <= 1e-9 * (1 + Math.abs(scale));
}

/** Fixed quantities and marginal sets at prices λ: everything but the choice among optima. */
export interface AllocationPlan {
  readonly fixed: Primal;
  readonly marginal: MarginalBlocks;
  readonly gridFixed: Float64Array;
  readonly marginalBids: number[][];
  readonly marginalOffers: number[][];
}

/** The allocation at valid prices λ; `backend` solves the second LP when marginal lines join blocks. */
export async function allocate(p: ClearingProblem, lambda: Float64Array, backend: LpBackend): Promise<Allocation> {
  const plan = planAllocation(p, lambda);
  const linked = plan.marginal.lineDirs.length > 0 ? await solveLinkedBlocks(p, plan.marginal, backend) : undefined;
  return completeAllocation(p, plan, linked);
}

export function planAllocation(p: ClearingProblem, lambda: Float64Array): AllocationPlan {
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  const ns = p.stepOrder.length;
  const a = emptyPrimal(p);
  const m: MarginalBlocks = {
    linked: new Uint8Array(nb),
    need: Float64Array.from(p.netLoadWh),
    bidCap: new Float64Array(nb),
    offerCap: new Float64Array(nb),
    importRoom: new Float64Array(nb),
    exportRoom: new Float64Array(nb),
    lineDirs: [],
  };
  const gridFixed = new Float64Array(nb); // import − export fixed by price
  // Lines: a direction whose reduced profit is not zero sits at 0 or its capacity.
  for (let l = 0; l < nl; l++) {
    const cap = p.lineCapWh[l]!;
    if (cap === 0) continue;
    const keep = 1 - p.lineLoss[l]!;
    for (const dir of [0, 1] as const) {
      const from = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const to = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      const r = keep * lambda[to]! - lambda[from]! - p.lineFee[l]!;
      if (Number.isNaN(r) || isZero(r, lambda[to]!)) {
        m.lineDirs.push({ line: l, dir, from, to });
        m.linked[from] = 1;
        m.linked[to] = 1;
      } else if (r > 0) {
        (dir === 0 ? a.forwardWh : a.backwardWh)[l] = cap;
        m.need[from] = m.need[from]! + cap;
        m.need[to] = m.need[to]! - keep * cap;
      }
    }
  }
  const marginalBids: number[][] = Array.from({ length: nb }, () => []);
  const marginalOffers: number[][] = Array.from({ length: nb }, () => []);
  for (let s = 0; s < ns; s++) {
    const b = p.stepBlock[s]!;
    const bid = p.stepIsBid[s] === 1;
    const lam = lambda[b]!;
    const r = bid ? p.stepPrice[s]! - lam : lam - p.stepPrice[s]!;
    if (Number.isNaN(r) || isZero(r, lam)) {
      (bid ? marginalBids : marginalOffers)[b]!.push(s);
      if (bid) m.bidCap[b] = m.bidCap[b]! + p.stepEnergyWh[s]!;
      else m.offerCap[b] = m.offerCap[b]! + p.stepEnergyWh[s]!;
      continue;
    }
    const q = r > 0 ? p.stepEnergyWh[s]! : 0;
    a.step[s] = q;
    m.need[b] = m.need[b]! + (bid ? q : -q);
  }
  for (let b = 0; b < nb; b++) {
    const lam = lambda[b]!;
    const cap = p.gridCapWh[b]!;
    if (cap === 0) continue;
    const ri = lam - p.importPrice[b]!;
    if (Number.isNaN(ri) || isZero(ri, lam)) m.importRoom[b] = cap;
    else if (ri > 0) gridFixed[b] = gridFixed[b]! + cap;
    const re = p.exportPrice[b]! - lam;
    if (Number.isNaN(re) || isZero(re, lam)) m.exportRoom[b] = cap;
    else if (re > 0) gridFixed[b] = gridFixed[b]! - cap;
    m.need[b] = m.need[b]! - gridFixed[b]!;
  }
  return { fixed: a, marginal: m, gridFixed, marginalBids, marginalOffers };
}

/** Applies tie rules 1–3 and the rounding; `linked` is required when the plan has marginal lines. */
export function completeAllocation(p: ClearingProblem, plan: AllocationPlan, linked?: LinkedSolution): Allocation {
  const nb = p.blockIds.length;
  const { marginal: m, gridFixed, marginalBids, marginalOffers } = plan;
  const a: Primal = {
    step: Float64Array.from(plan.fixed.step),
    gridImportWh: new Float64Array(nb),
    gridExportWh: new Float64Array(nb),
    forwardWh: Float64Array.from(plan.fixed.forwardWh),
    backwardWh: Float64Array.from(plan.fixed.backwardWh),
  };
  const bidTotal = new Float64Array(nb);
  const offerTotal = new Float64Array(nb);
  const gridMarginal = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    if (m.linked[b] === 1) continue;
    const [bt, ot] = closedForm(p, b, m);
    bidTotal[b] = bt;
    offerTotal[b] = ot;
    gridMarginal[b] = m.need[b]! - (ot - bt);
  }
  if (m.lineDirs.length > 0) {
    if (linked === undefined) throw new Error('completeAllocation: marginal lines need the linked-blocks solution');
    for (let b = 0; b < nb; b++) {
      if (m.linked[b] !== 1) continue;
      bidTotal[b] = toWh(linked.bidTotal[b]!);
      offerTotal[b] = toWh(linked.offerTotal[b]!);
      gridMarginal[b] = linked.gridNet[b]!;
    }
    m.lineDirs.forEach((d, k) => ((d.dir === 0 ? a.forwardWh : a.backwardWh)[d.line] = linked.flow[k]!));
  }
  for (let b = 0; b < nb; b++) {
    splitProRata(bidTotal[b]!, marginalBids[b]!, p.stepEnergyWh, a.step);
    splitProRata(offerTotal[b]!, marginalOffers[b]!, p.stepEnergyWh, a.step);
    const gridNet = gridFixed[b]! + gridMarginal[b]!;
    a.gridImportWh[b] = gridNet > 0 ? gridNet : 0;
    a.gridExportWh[b] = gridNet < 0 ? -gridNet : 0;
  }
  return roundAndBalance(p, a);
}

/** Rules 1 and 2 for one unlinked block: returns [marginal bid total, marginal offer total]. */
function closedForm(p: ClearingProblem, b: number, m: MarginalBlocks): [number, number] {
  const bidCap = m.bidCap[b]!;
  const offerCap = m.offerCap[b]!;
  const need = m.need[b]!;
  // d = marginal offers − marginal bids must cover `need` up to what the grid can take.
  const dLow = Math.max(need - m.importRoom[b]!, -bidCap);
  const dHigh = Math.min(need + m.exportRoom[b]!, offerCap);
  if (dLow > dHigh + 1e-6 * (1 + Math.abs(dHigh))) {
    throw new NotOptimalError(`allocate: block ${p.blockIds[b]} cannot balance at its price (the primal was not optimal)`);
  }
  // Volume b + o = min(2·bidCap + d, 2·offerCap − d) peaks at d = offerCap − bidCap; closest to `need` otherwise.
  const d = toWh(Math.min(Math.max(offerCap - bidCap, dLow), dHigh));
  const bidTotal = Math.min(bidCap, offerCap - d);
  return [bidTotal, bidTotal + d];
}

/**
 * Integer Wh everywhere, every block balanced exactly: orders and lines are integral already
 * (or rounded here), a line delivers round((1 − loss)·sent), and the grid exchange is what
 * balances the block. Only line losses make values fractional; where the grid cannot take a
 * block's rounding residual (island, cap), a lossy line at the block takes it (its loss moves by
 * a Wh), or a lossless line passes it on to a neighbour that can (balance-repair.ts).
 */
function roundAndBalance(p: ClearingProblem, a: Primal): Allocation {
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  for (let s = 0; s < a.step.length; s++) a.step[s] = toWh(a.step[s]!);
  const delivered = [new Float64Array(nl), new Float64Array(nl)] as const;
  const need = Float64Array.from(p.netLoadWh); // import − export that balances each block
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
    delivered[0][l] = toWh(keep * fw);
    delivered[1][l] = toWh(keep * bw);
    const f = p.lineFrom[l]!;
    const t = p.lineTo[l]!;
    need[f] = need[f]! + fw - delivered[1][l]!;
    need[t] = need[t]! + bw - delivered[0][l]!;
  }
  for (let s = 0; s < a.step.length; s++) {
    const b = p.stepBlock[s]!;
    need[b] = need[b]! + (p.stepIsBid[s] === 1 ? a.step[s]! : -a.step[s]!);
  }
  repairBalance(p, { sent: [a.forwardWh, a.backwardWh], delivered, need });
  for (let b = 0; b < nb; b++) {
    const gridNet = need[b]!;
    a.gridImportWh[b] = gridNet > 0 ? gridNet : 0;
    a.gridExportWh[b] = gridNet < 0 ? -gridNet : 0;
  }
  return { ...a, forwardDeliveredWh: delivered[0], backwardDeliveredWh: delivered[1] };
}
