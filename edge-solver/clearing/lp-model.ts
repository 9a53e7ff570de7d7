// The welfare LP of one interval. Variables (all in Wh): one per order step, grid import and
// export per block, and per line the energy sent each way. Objective (maximised, in minor units
// × 1000 because prices are per kWh): bid value − offer cost − import cost + export revenue −
// line fees. One balance row per block:
//   offers − bids + import − export + Σ delivered in − Σ sent out = net load.
// Without line losses the matrix is a network matrix, so every vertex is integral in Wh.
import { LpModel } from '../lp/model.js';
import { emptyPrimal, type ClearingProblem, type Primal } from './problem.js';

export interface ClearingLayout {
  readonly importBase: number;
  readonly exportBase: number;
  readonly forwardBase: number;
  readonly backwardBase: number;
}

export function layoutOf(p: ClearingProblem): ClearingLayout {
  const ns = p.stepOrder.length;
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  return { importBase: ns, exportBase: ns + nb, forwardBase: ns + 2 * nb, backwardBase: ns + 2 * nb + nl };
}

export function buildClearingModel(p: ClearingProblem): LpModel {
  const model = new LpModel('max');
  const ns = p.stepOrder.length;
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  const terms: Array<Array<[number, number]>> = Array.from({ length: nb }, () => []);
  for (let s = 0; s < ns; s++) {
    const bid = p.stepIsBid[s] === 1;
    const price = p.stepPrice[s]!;
    model.addVariable(`s${s}`, { upper: p.stepEnergyWh[s]!, cost: bid ? price : -price });
    terms[p.stepBlock[s]!]!.push([s, bid ? -1 : 1]);
  }
  for (let b = 0; b < nb; b++) {
    const j = model.addVariable(`import${b}`, { upper: p.gridCapWh[b]!, cost: -p.importPrice[b]! });
    terms[b]!.push([j, 1]);
  }
  for (let b = 0; b < nb; b++) {
    const j = model.addVariable(`export${b}`, { upper: p.gridCapWh[b]!, cost: p.exportPrice[b]! });
    terms[b]!.push([j, -1]);
  }
  for (const dir of [0, 1]) {
    for (let l = 0; l < nl; l++) {
      const from = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const to = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      const j = model.addVariable(`${dir === 0 ? 'forward' : 'backward'}${l}`, { upper: p.lineCapWh[l]!, cost: -p.lineFee[l]! });
      terms[from]!.push([j, -1]);
      terms[to]!.push([j, 1 - p.lineLoss[l]!]);
    }
  }
  for (let b = 0; b < nb; b++) {
    model.addRow(`balance${b}`, terms[b]!, { lower: p.netLoadWh[b]!, upper: p.netLoadWh[b]! });
  }
  return model;
}

/** Reads LP values back into the problem's layout. */
export function primalFromValues(p: ClearingProblem, values: Float64Array): Primal {
  const x = emptyPrimal(p);
  const at = layoutOf(p);
  x.step.set(values.subarray(0, p.stepOrder.length));
  x.gridImportWh.set(values.subarray(at.importBase, at.importBase + p.blockIds.length));
  x.gridExportWh.set(values.subarray(at.exportBase, at.exportBase + p.blockIds.length));
  x.forwardWh.set(values.subarray(at.forwardBase, at.forwardBase + p.lines.length));
  x.backwardWh.set(values.subarray(at.backwardBase, at.backwardBase + p.lines.length));
  return x;
}
