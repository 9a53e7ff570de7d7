// summary.json's intervals[] from what the gateways stored (gateway/market/market-store.ts):
// each gateway's final hash, the snapshot's book as every gateway verified it, the final
// result, and each building's accepted energy. Read after the run, from every gateway's store.
import type { ClearingResult } from '../../edge-solver/clearing/index.js';
import type { MarketStore } from '../market/market-store.js';
import { MemberIndex } from '../market/order-rules.js';
import type { Roster } from '../market/roster.js';
import { verifySnapshot } from '../market/snapshot.js';
import type { SummaryInterval } from './summary.js';

export interface GatewayMarket {
  gatewayId: string;
  market: MarketStore;
}

export interface IntervalGridPrice {
  /** Retail plus grid tariff. */
  gridPriceMinorPerKWh: number;
  feedInPriceMinorPerKWh: number;
}

/**
 * One interval as the district saw it. `final` only when every gateway holds the same final
 * hash; the book is the snapshot the final gateways cleared (else the latest any gateway
 * holds), verified against the roster again; the result is a final gateway's.
 */
export function summaryInterval(intervalStartMs: number, gateways: readonly GatewayMarket[], roster: Roster, prices: IntervalGridPrice): SummaryInterval {
  const rows = gateways.map((g) => ({ g, row: g.market.interval(intervalStartMs) }));
  const hashes: Record<string, string | null> = {};
  for (const { g, row } of rows) hashes[g.gatewayId] = row?.status === 'final' ? row.resultHash : null;
  const finalRow = rows.find(({ row }) => row?.status === 'final' && row.resultHash !== null);
  const resultHash = finalRow?.row?.resultHash ?? null;
  const final = gateways.length > 0 && resultHash !== null && Object.values(hashes).every((h) => h === resultHash);

  const members = new MemberIndex(roster);
  let book: SummaryInterval['book'] = null;
  const wanted = finalRow?.row?.snapshotHash ?? null;
  const candidates = rows.flatMap(({ g }) => g.market.snapshots(intervalStartMs)).filter((s) => wanted === null || s.hash === wanted);
  // Without a final snapshot, the latest attempt any gateway received.
  candidates.sort((a, b) => b.attempt - a.attempt);
  for (const s of candidates) {
    const v = verifySnapshot(s.envelope, roster, members);
    if (v.ok) {
      book = v.value.book;
      break;
    }
  }
  const result: ClearingResult | null = finalRow ? (finalRow.g.market.result(intervalStartMs, roster.marketId) ?? null) : null;
  const blockPrices: Record<string, number | null> = Object.fromEntries(roster.blocks.map((b) => [b.id, result?.blocks.find((r) => r.id === b.id)?.priceMinorPerKWh ?? null]));
  return { intervalStart: new Date(intervalStartMs).toISOString(), final, resultHash, hashes, book, result, blockPrices, ...prices };
}

/** What a gateway bought and sold in a clearing result (its accepted bids and offers). */
export function acceptedEnergy(result: ClearingResult | null, gatewayId: string): { boughtWh: number; soldWh: number } {
  let boughtWh = 0;
  let soldWh = 0;
  for (const o of result?.orders ?? []) {
    if (o.participant !== gatewayId) continue;
    if (o.side === 'bid') boughtWh += o.acceptedWh;
    else soldWh += o.acceptedWh;
  }
  return { boughtWh, soldWh };
}
