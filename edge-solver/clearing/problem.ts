// The order book flattened into typed arrays in canonical order (blocks, lines and orders by id,
// steps in the order's own order). Every later stage (LP model, merit order, prices,
// allocation) reads this, so a shuffled book gives the identical problem.
import type { Line, Order, OrderBook } from './order-book.js';

export interface ClearingProblem {
  readonly intervalStart: string;
  readonly blockIds: readonly string[];
  readonly orders: readonly Order[];
  readonly lines: readonly Line[];
  /** Steps of all orders, order by order. */
  readonly stepOrder: Int32Array;
  readonly stepBlock: Int32Array;
  /** 1 for a bid step (buys), 0 for an offer step (sells). */
  readonly stepIsBid: Uint8Array;
  readonly stepEnergyWh: Float64Array;
  readonly stepPrice: Float64Array;
  /** orderFirstStep[k]..orderFirstStep[k+1] are the steps of orders[k]. */
  readonly orderFirstStep: Int32Array;
  /** Per block: retail import price plus grid tariff, feed-in price, connection cap (∞ if none), net load. */
  readonly importPrice: Float64Array;
  readonly exportPrice: Float64Array;
  readonly gridCapWh: Float64Array;
  readonly netLoadWh: Float64Array;
  /** Per line, by index into blockIds. */
  readonly lineFrom: Int32Array;
  readonly lineTo: Int32Array;
  readonly lineCapWh: Float64Array;
  readonly lineFee: Float64Array;
  readonly lineLoss: Float64Array;
}

/** The solver's primal was not optimal enough to price and allocate (numerical trouble). */
export class NotOptimalError extends Error {
  override name = 'NotOptimalError';
}

/** A primal allocation (LP values or merit-order result) in the problem's layout. */
export interface Primal {
  step: Float64Array;
  gridImportWh: Float64Array;
  gridExportWh: Float64Array;
  /** Energy sent into each line from → to, and to → from. */
  forwardWh: Float64Array;
  backwardWh: Float64Array;
}

export function emptyPrimal(p: ClearingProblem): Primal {
  const nb = p.blockIds.length;
  const nl = p.lines.length;
  return {
    step: new Float64Array(p.stepOrder.length),
    gridImportWh: new Float64Array(nb),
    gridExportWh: new Float64Array(nb),
    forwardWh: new Float64Array(nl),
    backwardWh: new Float64Array(nl),
  };
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Sorted by id (UTF-16 code units); skips the sort when the input already is. */
function sortedById<T extends { id: string }>(items: readonly T[]): T[] {
  for (let i = 1; i < items.length; i++) if (!(items[i - 1]!.id < items[i]!.id)) return [...items].sort(byId);
  return [...items];
}

export function buildProblem(book: OrderBook): ClearingProblem {
  const blocks = sortedById(book.blocks);
  const lines = sortedById(book.lines);
  const orders = sortedById(book.orders);
  const blockIndex = new Map<string, number>();
  blocks.forEach((b, i) => blockIndex.set(b.id, i));
  const nb = blocks.length;
  const importPrice = new Float64Array(nb);
  const exportPrice = new Float64Array(nb);
  const gridCapWh = new Float64Array(nb);
  const netLoadWh = new Float64Array(nb);
  blocks.forEach((b, i) => {
    importPrice[i] = b.gridImportPriceMinorPerKWh + b.gridTariffMinorPerKWh;
    exportPrice[i] = b.gridExportPriceMinorPerKWh;
    gridCapWh[i] = b.connectionCapWh ?? Infinity;
    netLoadWh[i] = b.netLoadWh;
  });
  const nl = lines.length;
  const lineFrom = new Int32Array(nl);
  const lineTo = new Int32Array(nl);
  const lineCapWh = new Float64Array(nl);
  const lineFee = new Float64Array(nl);
  const lineLoss = new Float64Array(nl);
  lines.forEach((l, i) => {
    lineFrom[i] = blockIndex.get(l.from)!;
    lineTo[i] = blockIndex.get(l.to)!;
    lineCapWh[i] = l.capacityWh;
    lineFee[i] = l.feeMinorPerKWh;
    lineLoss[i] = l.lossFraction;
  });
  let ns = 0;
  for (const o of orders) ns += o.steps.length;
  const stepOrder = new Int32Array(ns);
  const stepBlock = new Int32Array(ns);
  const stepIsBid = new Uint8Array(ns);
  const stepEnergyWh = new Float64Array(ns);
  const stepPrice = new Float64Array(ns);
  const orderFirstStep = new Int32Array(orders.length + 1);
  let s = 0;
  orders.forEach((o, k) => {
    orderFirstStep[k] = s;
    const block = blockIndex.get(o.block);
    if (block === undefined) throw new Error(`buildProblem: order ${o.id} names unknown block ${o.block} (validate the book first)`);
    const isBid = o.side === 'bid' ? 1 : 0;
    for (const step of o.steps) {
      stepOrder[s] = k;
      stepBlock[s] = block;
      stepIsBid[s] = isBid;
      stepEnergyWh[s] = step.energyWh;
      stepPrice[s] = step.priceMinorPerKWh;
      s++;
    }
  });
  orderFirstStep[orders.length] = s;
  return {
    intervalStart: book.intervalStart,
    blockIds: blocks.map((b) => b.id),
    orders,
    lines,
    stepOrder,
    stepBlock,
    stepIsBid,
    stepEnergyWh,
    stepPrice,
    orderFirstStep,
    importPrice,
    exportPrice,
    gridCapWh,
    netLoadWh,
    lineFrom,
    lineTo,
    lineCapWh,
    lineFee,
    lineLoss,
  };
}
