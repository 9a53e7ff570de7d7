// Builds the settlement input of an interval from its order book, its clearing result and the
// meters: each participant's traded energy is the sum of its accepted bids (+) and offers (−);
// a block's prices are its clearing price and its grid prices (import including the tariff).
import { fail, ok, type Result } from '../../core/result.js';
import type { ClearingResult, OrderBook } from '../clearing/index.js';
import type { IntervalSettlementInput, SettlementErrorKind, SettlementPosition } from './settle-interval.js';

export interface MeteredEnergy {
  participant: string;
  block: string;
  /** Net energy metered in the interval: + drawn, − fed in. */
  meteredWh: number;
}

export function settlementInputFromClearing(
  book: OrderBook,
  result: ClearingResult,
  metered: readonly MeteredEnergy[],
): Result<IntervalSettlementInput, SettlementErrorKind> {
  const positions = new Map<string, SettlementPosition>();
  for (const [i, m] of metered.entries()) {
    if (positions.has(m.participant)) return fail('duplicate', `metered[${i}]: participant ${m.participant} metered twice`);
    positions.set(m.participant, { participant: m.participant, block: m.block, meteredWh: m.meteredWh, tradedWh: 0 });
  }
  const tradingBlocks = new Set<string>();
  for (const order of result.orders) {
    if (order.acceptedWh === 0) continue;
    const p = positions.get(order.participant);
    if (!p) return fail('invalid-position', `order ${order.id}: participant ${order.participant} traded but has no meter reading`);
    if (p.block !== order.block) return fail('invalid-position', `order ${order.id}: participant ${order.participant} is metered in ${p.block}, traded in ${order.block}`);
    p.tradedWh += order.side === 'bid' ? order.acceptedWh : -order.acceptedWh;
    tradingBlocks.add(order.block);
  }
  const prices = new Map(result.blocks.map((b) => [b.id, b.priceMinorPerKWh]));
  const blocks: IntervalSettlementInput['blocks'][number][] = [];
  for (const b of book.blocks) {
    const clearing = prices.get(b.id) ?? null;
    // An open price interval (nothing bounds it) can only happen where nothing traded.
    if (clearing === null && tradingBlocks.has(b.id)) return fail('invalid-price', `block ${b.id}: traded without a clearing price`);
    blocks.push({
      block: b.id,
      clearingPriceMinorPerKWh: clearing ?? 0,
      gridImportPriceMinorPerKWh: b.gridImportPriceMinorPerKWh + b.gridTariffMinorPerKWh,
      gridExportPriceMinorPerKWh: b.gridExportPriceMinorPerKWh,
    });
  }
  return ok({ blocks, positions: [...positions.values()] });
}
