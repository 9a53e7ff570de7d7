// The interval order book (docs/order-book.md): what the coordinator publishes at gate closure
// and what every gateway clears. Validated with zod; errors name the field's path.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';

const id = z.string().min(1).max(200);
const minorPerKWh = z.number().int().min(-1_000_000).max(1_000_000);
const wh = z.number().int().min(0).max(1e12);

const stepSchema = z.strictObject({
  energyWh: z.number().int().min(1).max(1e12),
  priceMinorPerKWh: minorPerKWh,
});

const orderSchema = z.strictObject({
  id,
  participant: id,
  block: id,
  side: z.enum(['bid', 'offer']),
  steps: z.array(stepSchema).min(1).max(100),
});

const blockSchema = z.strictObject({
  id,
  /** Retail energy price paid for grid import. */
  gridImportPriceMinorPerKWh: minorPerKWh,
  /** Grid tariff added to every imported kWh. */
  gridTariffMinorPerKWh: minorPerKWh.default(0),
  /** Feed-in price received for grid export. */
  gridExportPriceMinorPerKWh: minorPerKWh,
  /** Transformer limit on import and on export in the interval; absent = unlimited, 0 = island. */
  connectionCapWh: wh.optional(),
  /** Inelastic residual load that must be balanced: + consumption, − surplus. */
  netLoadWh: z.number().int().min(-1e12).max(1e12).default(0),
});

const lineSchema = z.strictObject({
  id,
  from: id,
  to: id,
  /** Energy the line can carry in the interval, in each direction (measured where it enters). */
  capacityWh: wh,
  feeMinorPerKWh: z.number().int().min(0).max(1_000_000),
  /** Share of the energy sent that does not arrive. */
  lossFraction: z.number().min(0).lt(1).default(0),
});

const bookSchema = z.strictObject({
  intervalStart: z.iso.datetime({ offset: false }),
  intervalMinutes: z.number().int().min(1).max(1440).default(15),
  blocks: z.array(blockSchema).min(1).max(1000),
  lines: z.array(lineSchema).max(10_000).default([]),
  orders: z.array(orderSchema).max(1_000_000),
});

export type OrderBook = z.output<typeof bookSchema>;
export type Order = OrderBook['orders'][number];
export type Block = OrderBook['blocks'][number];
export type Line = OrderBook['lines'][number];
export type OrderBookInput = z.input<typeof bookSchema>;

export type OrderBookErrorKind = 'invalid-book';

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text === '' ? '(book)' : text;
}

/** Checks shape (zod) and references (unique ids, known blocks, sane grid prices); never throws. */
export function validateOrderBook(raw: unknown): Result<OrderBook, OrderBookErrorKind> {
  const parsed = bookSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('invalid-book', `${pathText(issue.path)}: ${issue.message}`);
  }
  const book = parsed.data;
  const blockIds = new Set<string>();
  for (const [i, block] of book.blocks.entries()) {
    if (blockIds.has(block.id)) return fail('invalid-book', `blocks[${i}].id: duplicate block id ${block.id}`);
    blockIds.add(block.id);
    const gridOpen = block.connectionCapWh === undefined || block.connectionCapWh > 0;
    if (block.gridExportPriceMinorPerKWh > block.gridImportPriceMinorPerKWh + block.gridTariffMinorPerKWh || (gridOpen && block.gridExportPriceMinorPerKWh === block.gridImportPriceMinorPerKWh + block.gridTariffMinorPerKWh)) {
      // Above, importing to export again would pay without end; at equal prices it costs nothing
      // and the grid flows have no unique optimum, so gateways could disagree on them (a closed
      // connection, cap 0, may price both at the same value).
      return fail('invalid-book', `blocks[${i}].gridExportPriceMinorPerKWh: must be below the import price plus tariff`);
    }
  }
  const lineIds = new Set<string>();
  for (const [i, line] of book.lines.entries()) {
    if (lineIds.has(line.id)) return fail('invalid-book', `lines[${i}].id: duplicate line id ${line.id}`);
    lineIds.add(line.id);
    if (!blockIds.has(line.from)) return fail('invalid-book', `lines[${i}].from: unknown block ${line.from}`);
    if (!blockIds.has(line.to)) return fail('invalid-book', `lines[${i}].to: unknown block ${line.to}`);
    if (line.from === line.to) return fail('invalid-book', `lines[${i}].to: a line must join two different blocks`);
  }
  const orderIds = new Set<string>();
  for (const [i, order] of book.orders.entries()) {
    if (orderIds.has(order.id)) return fail('invalid-book', `orders[${i}].id: duplicate order id ${order.id}`);
    orderIds.add(order.id);
    if (!blockIds.has(order.block)) return fail('invalid-book', `orders[${i}].block: unknown block ${order.block}`);
  }
  return ok(book);
}
