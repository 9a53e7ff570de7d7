// The published clearing result: integer Wh, integer minor units, prices per block. Every
// order settles at its block's price (pay-as-clear); money rounds half to even per amount.
import type { Allocation } from './allocation.js';
import type { PriceRule, PriceSet } from './price-interval.js';
import type { ClearingProblem } from './problem.js';
import { roundHalfEven } from './rounding.js';

export interface OrderResult {
  id: string;
  participant: string;
  block: string;
  side: 'bid' | 'offer';
  acceptedWh: number;
  /** Accepted energy of each step, in the order's own step order. */
  stepsAcceptedWh: number[];
  /** What the bid pays or the offer receives at the block's price. */
  amountMinor: number;
}

export interface BlockResult {
  id: string;
  /** Clearing price by the price rule; null where nothing in the book bounds it. */
  priceMinorPerKWh: number | null;
  /** Every price consistent with the optimum (KKT); null for an open end. */
  priceIntervalMinorPerKWh: [number | null, number | null];
  netLoadWh: number;
  boughtWh: number;
  soldWh: number;
  gridImportWh: number;
  gridExportWh: number;
  gridImportCostMinor: number;
  gridExportRevenueMinor: number;
}

export interface LineResult {
  id: string;
  from: string;
  to: string;
  /** Energy sent into the line at `from` towards `to`, and the reverse. */
  forwardWh: number;
  backwardWh: number;
  forwardDeliveredWh: number;
  backwardDeliveredWh: number;
  lossWh: number;
  feeRevenueMinor: number;
}

export interface ClearingResult {
  intervalStart: string;
  priceRule: PriceRule;
  blocks: BlockResult[];
  lines: LineResult[];
  orders: OrderResult[];
  totals: {
    tradedWh: number;
    gridImportWh: number;
    gridExportWh: number;
    gridImportCostMinor: number;
    gridExportRevenueMinor: number;
    dsoFeeRevenueMinor: number;
    /** Bid value − offer cost − grid import cost + export revenue − line fees. */
    welfareMinor: number;
  };
}

/** Prices are published to 1e-6 minor/kWh so that float noise never reaches the bytes. */
function publishPrice(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

/** Money for energy at a price per kWh: price·Wh/1000, half to even. */
export function moneyMinor(priceMinorPerKWh: number, energyWh: number): number {
  return roundHalfEven((priceMinorPerKWh * energyWh) / 1000);
}

export function assembleResult(p: ClearingProblem, a: Allocation, prices: Float64Array, set: PriceSet, rule: PriceRule): ClearingResult {
  const nb = p.blockIds.length;
  const bought = new Float64Array(nb);
  const sold = new Float64Array(nb);
  // Welfare in minor·(Wh/kWh), exact in integers, divided once at the end.
  let welfareMilli = 0;
  const orders: OrderResult[] = p.orders.map((o, k) => {
    const first = p.orderFirstStep[k]!;
    const last = p.orderFirstStep[k + 1]!;
    const stepsAcceptedWh: number[] = [];
    let acceptedWh = 0;
    const bid = o.side === 'bid';
    for (let s = first; s < last; s++) {
      const q = a.step[s]!;
      stepsAcceptedWh.push(q);
      acceptedWh += q;
      welfareMilli += (bid ? 1 : -1) * p.stepPrice[s]! * q;
    }
    const b = p.stepBlock[first]!;
    if (bid) bought[b] = bought[b]! + acceptedWh;
    else sold[b] = sold[b]! + acceptedWh;
    const price = publishPrice(prices[b]!);
    return { id: o.id, participant: o.participant, block: o.block, side: o.side, acceptedWh, stepsAcceptedWh, amountMinor: price === null ? 0 : moneyMinor(price, acceptedWh) };
  });
  const totals = { tradedWh: 0, gridImportWh: 0, gridExportWh: 0, gridImportCostMinor: 0, gridExportRevenueMinor: 0, dsoFeeRevenueMinor: 0, welfareMinor: 0 };
  const blocks: BlockResult[] = p.blockIds.map((id, b) => {
    const gridImportWh = a.gridImportWh[b]!;
    const gridExportWh = a.gridExportWh[b]!;
    const gridImportCostMinor = moneyMinor(p.importPrice[b]!, gridImportWh);
    const gridExportRevenueMinor = moneyMinor(p.exportPrice[b]!, gridExportWh);
    welfareMilli += -p.importPrice[b]! * gridImportWh + p.exportPrice[b]! * gridExportWh;
    totals.tradedWh += bought[b]!;
    totals.gridImportWh += gridImportWh;
    totals.gridExportWh += gridExportWh;
    totals.gridImportCostMinor += gridImportCostMinor;
    totals.gridExportRevenueMinor += gridExportRevenueMinor;
    return {
      id,
      priceMinorPerKWh: publishPrice(prices[b]!),
      priceIntervalMinorPerKWh: [publishPrice(set.lower[b]!), publishPrice(set.upper[b]!)],
      netLoadWh: p.netLoadWh[b]!,
      boughtWh: bought[b]!,
      soldWh: sold[b]!,
      gridImportWh,
      gridExportWh,
      gridImportCostMinor,
      gridExportRevenueMinor,
    };
  });
  const lines: LineResult[] = p.lines.map((line, l) => {
    const sent = a.forwardWh[l]! + a.backwardWh[l]!;
    const feeRevenueMinor = moneyMinor(p.lineFee[l]!, sent);
    welfareMilli -= p.lineFee[l]! * sent;
    totals.dsoFeeRevenueMinor += feeRevenueMinor;
    return {
      id: line.id,
      from: line.from,
      to: line.to,
      forwardWh: a.forwardWh[l]!,
      backwardWh: a.backwardWh[l]!,
      forwardDeliveredWh: a.forwardDeliveredWh[l]!,
      backwardDeliveredWh: a.backwardDeliveredWh[l]!,
      lossWh: sent - a.forwardDeliveredWh[l]! - a.backwardDeliveredWh[l]!,
      feeRevenueMinor,
    };
  });
  totals.welfareMinor = roundHalfEven(welfareMilli / 1000);
  return { intervalStart: p.intervalStart, priceRule: rule, blocks, lines, orders, totals };
}
