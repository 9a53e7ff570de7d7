// Tie rules 1–2 (allocation.ts) for blocks joined by marginal lines, as a second LP over the
// marginal quantities only: per linked block the marginal bid and offer totals and the
// marginal grid exchange, per marginal line direction its flow; every other quantity is fixed.
// Objective: volume first (weight W), then least energy moved with weights 1 + k/(2K+2) in
// canonical order. W exceeds what moving energy can cost per unit of volume, so the volume is
// the first optimum's. Without losses the rows form a network matrix: the optimum is integral.
import { LpModel, type LpBackend } from '../lp/model.js';
import type { ClearingProblem } from './problem.js';

export interface MarginalBlocks {
  /** 1 where a marginal line touches the block. */
  linked: Uint8Array;
  /** What the marginal quantities must supply: marginal offers − bids + import − export + line inflow − outflow. */
  need: Float64Array;
  bidCap: Float64Array;
  offerCap: Float64Array;
  importRoom: Float64Array;
  exportRoom: Float64Array;
  lineDirs: Array<{ line: number; dir: 0 | 1; from: number; to: number }>;
}

export interface LinkedSolution {
  bidTotal: Float64Array;
  offerTotal: Float64Array;
  /** Marginal import − export per block. */
  gridNet: Float64Array;
  /** Flow per entry of lineDirs. */
  flow: Float64Array;
}

export class LinkedBlocksError extends Error {}

export async function solveLinkedBlocks(p: ClearingProblem, m: MarginalBlocks, backend: LpBackend): Promise<LinkedSolution> {
  const nb = p.blockIds.length;
  const blocks: number[] = [];
  for (let b = 0; b < nb; b++) if (m.linked[b] === 1) blocks.push(b);
  const moves = 2 * blocks.length + m.lineDirs.length;
  const weight = (k: number): number => 1 + (k + 1) / (2 * moves + 2);
  // A lossy path sends more than it delivers: scale by the worst compounding of losses.
  let amplification = 1;
  for (const d of m.lineDirs) amplification /= 1 - p.lineLoss[d.line]!;
  const volumeWeight = 2 * (moves + 2) * amplification;
  const model = new LpModel('max');
  const terms = new Map<number, Array<[number, number]>>(blocks.map((b) => [b, []]));
  const cols = blocks.map((b, i) => {
    const bid = model.addVariable(`bid${b}`, { upper: m.bidCap[b]!, cost: volumeWeight });
    const offer = model.addVariable(`offer${b}`, { upper: m.offerCap[b]!, cost: volumeWeight });
    const imp = model.addVariable(`import${b}`, { upper: m.importRoom[b]!, cost: -weight(2 * i) });
    const exp = model.addVariable(`export${b}`, { upper: m.exportRoom[b]!, cost: -weight(2 * i + 1) });
    terms.get(b)!.push([bid, -1], [offer, 1], [imp, 1], [exp, -1]);
    return { bid, offer, imp, exp };
  });
  const flows = m.lineDirs.map((d, k) => {
    const j = model.addVariable(`flow${k}`, { upper: p.lineCapWh[d.line]!, cost: -weight(2 * blocks.length + k) });
    terms.get(d.from)!.push([j, -1]);
    terms.get(d.to)!.push([j, 1 - p.lineLoss[d.line]!]);
    return j;
  });
  for (const b of blocks) model.addRow(`balance${b}`, terms.get(b)!, { lower: m.need[b]!, upper: m.need[b]! });
  const sol = await backend.solve(model);
  if (sol.status !== 'optimal') throw new LinkedBlocksError(`tie-rule LP for linked blocks: ${sol.status} (${sol.detail ?? ''})`);
  const out: LinkedSolution = { bidTotal: new Float64Array(nb), offerTotal: new Float64Array(nb), gridNet: new Float64Array(nb), flow: new Float64Array(m.lineDirs.length) };
  blocks.forEach((b, i) => {
    const c = cols[i]!;
    out.bidTotal[b] = sol.values[c.bid]!;
    out.offerTotal[b] = sol.values[c.offer]!;
    out.gridNet[b] = sol.values[c.imp]! - sol.values[c.exp]!;
  });
  flows.forEach((j, k) => (out.flow[k] = sol.values[j]!));
  return out;
}
