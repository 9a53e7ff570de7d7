// Settling one delivered interval: each participant's traded energy is paid at its block's
// clearing price (pay-as-clear); the difference between metered and traded energy, the
// imbalance, is bought from the grid at the import price or sold at the feed-in price.
// Amounts are integer minor units, rounded per block with the largest-remainder rule.
import { fail, ok, type Result } from '../../core/result.js';
import { AMOUNT_DENOMINATOR, exactAmount, MAX_ABS_PRICE_MINOR_PER_KWH } from './exact-amount.js';
import { allocateRounded } from './largest-remainder.js';

export interface SettlementBlockPrices {
  block: string;
  clearingPriceMinorPerKWh: number;
  /** What a short participant pays per kWh bought from the grid (retail plus grid tariff). */
  gridImportPriceMinorPerKWh: number;
  /** What a long participant gets per kWh sold to the grid; may be negative. */
  gridExportPriceMinorPerKWh: number;
}

export interface SettlementPosition {
  participant: string;
  block: string;
  /** Net energy metered at the connection: + drawn, − fed in. */
  meteredWh: number;
  /** Net energy traded in the clearing: + bought, − sold. */
  tradedWh: number;
}

export interface ParticipantSettlement extends SettlementPosition {
  /** meteredWh − tradedWh: + bought from the grid, − sold to it. */
  imbalanceWh: number;
  /** + pays, − receives. */
  tradeMinor: number;
  imbalanceMinor: number;
  totalMinor: number;
}

export interface BlockSettlement {
  block: string;
  /** Σ tradedWh: 0 when the block traded only inside itself. */
  tradedWh: number;
  tradeMinor: number;
  imbalanceMinor: number;
}

export interface IntervalSettlement {
  participants: ParticipantSettlement[];
  blocks: BlockSettlement[];
}

export type SettlementErrorKind = 'invalid-position' | 'unknown-block' | 'duplicate' | 'invalid-price';

export interface IntervalSettlementInput {
  blocks: readonly SettlementBlockPrices[];
  positions: readonly SettlementPosition[];
}

/** Participants come out in the input order; blocks in the input order of `blocks`. */
export function settleInterval(input: IntervalSettlementInput): Result<IntervalSettlement, SettlementErrorKind> {
  const prices = new Map<string, SettlementBlockPrices>();
  for (const [k, b] of input.blocks.entries()) {
    if (prices.has(b.block)) return fail('duplicate', `blocks[${k}]: block ${b.block} given twice`);
    for (const key of ['clearingPriceMinorPerKWh', 'gridImportPriceMinorPerKWh', 'gridExportPriceMinorPerKWh'] as const) {
      const p = b[key];
      if (!Number.isFinite(p) || Math.abs(p) > MAX_ABS_PRICE_MINOR_PER_KWH) return fail('invalid-price', `blocks[${k}].${key}: ${p}`);
    }
    prices.set(b.block, b);
  }
  const seen = new Set<string>();
  for (const [i, p] of input.positions.entries()) {
    if (seen.has(p.participant)) return fail('duplicate', `positions[${i}]: participant ${p.participant} given twice`);
    seen.add(p.participant);
    if (!prices.has(p.block)) return fail('unknown-block', `positions[${i}].block: no prices for block ${p.block}`);
    // 1e12 Wh keeps every amount below 2^53 minor units at the largest price.
    for (const key of ['meteredWh', 'tradedWh'] as const) {
      if (!Number.isSafeInteger(p[key]) || Math.abs(p[key]) > 1e12) return fail('invalid-position', `positions[${i}].${key}: ${p[key]} is not an integer Wh within ±1e12`);
    }
  }

  const out: ParticipantSettlement[] = input.positions.map((p) => ({ ...p, imbalanceWh: p.meteredWh - p.tradedWh, tradeMinor: 0, imbalanceMinor: 0, totalMinor: 0 }));
  const blocks: BlockSettlement[] = [];
  for (const b of input.blocks) {
    const members = out.filter((p) => p.block === b.block);
    const trade = allocateRounded(members.map((p) => exactAmount(p.tradedWh, b.clearingPriceMinorPerKWh)), AMOUNT_DENOMINATOR);
    const imbalance = allocateRounded(
      members.map((p) => exactAmount(p.imbalanceWh, p.imbalanceWh >= 0 ? b.gridImportPriceMinorPerKWh : b.gridExportPriceMinorPerKWh)),
      AMOUNT_DENOMINATOR,
    );
    members.forEach((p, j) => {
      p.tradeMinor = Number(trade[j]!);
      p.imbalanceMinor = Number(imbalance[j]!);
      p.totalMinor = p.tradeMinor + p.imbalanceMinor;
    });
    blocks.push({
      block: b.block,
      tradedWh: members.reduce((s, p) => s + p.tradedWh, 0),
      tradeMinor: members.reduce((s, p) => s + p.tradeMinor, 0),
      imbalanceMinor: members.reduce((s, p) => s + p.imbalanceMinor, 0),
    });
  }
  return ok({ participants: out, blocks });
}
