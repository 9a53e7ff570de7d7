// What a gateway keeps and sends upstream after an interval: its signed trade record (from the
// final result, carrying the finality certificate) and, once the meter's energy is final, its
// signed settlement (edge-solver/settlement): metered against traded, the difference with the
// grid at its prices. A gap in metering is settled as a gap (imbalance unknown), never as zero.
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import { signEnvelope } from '../../core/signed-envelope.js';
import type { ClearingResult } from '../../edge-solver/clearing/index.js';
import { settleInterval } from '../../edge-solver/settlement/index.js';
import type { FinalityCertificate } from './finality.js';
import type { BlockPrices } from './prices.js';
import type { RosterMember } from './roster.js';

export const TRADE_DOMAIN = 'trade';
export const SETTLEMENT_DOMAIN = 'settlement';

export interface TradeRecord {
  kind: 'nabo.trade/1';
  tradeId: string;
  marketId: string;
  intervalStart: string;
  intervalMinutes: number;
  gatewayId: string;
  buildingId: string;
  block: string;
  /** Net energy traded: + bought, − sold. */
  energyWh: number;
  boughtWh: number;
  soldWh: number;
  /** The block's clearing price (pay-as-clear). */
  priceMinorPerKWh: number;
  /** + paid, − received (paidMinor − receivedMinor). */
  amountMinor: number;
  /** Paid for bought energy and received for sold energy, each the sum of its orders' amounts. */
  paidMinor: number;
  receivedMinor: number;
  resultHash: string;
  snapshotHash: string;
  certificate: FinalityCertificate;
}

export type SignedTrade = SignedEnvelope<TradeRecord>;

export function recordId(marketId: string, intervalStart: string, gatewayId: string): string {
  return `${marketId}/${intervalStart}/${gatewayId}`;
}

/** The member's trade in a final result; undefined when none of its orders was accepted. */
export function tradeFromResult(result: ClearingResult, cert: FinalityCertificate, member: RosterMember, marketId: string, intervalMinutes: number): TradeRecord | undefined {
  const mine = result.orders.filter((o) => o.participant === member.gatewayId && o.acceptedWh > 0);
  if (mine.length === 0) return undefined;
  const boughtWh = mine.filter((o) => o.side === 'bid').reduce((s, o) => s + o.acceptedWh, 0);
  const soldWh = mine.filter((o) => o.side === 'offer').reduce((s, o) => s + o.acceptedWh, 0);
  const paidMinor = mine.filter((o) => o.side === 'bid').reduce((s, o) => s + o.amountMinor, 0);
  const receivedMinor = mine.filter((o) => o.side === 'offer').reduce((s, o) => s + o.amountMinor, 0);
  const price = result.blocks.find((b) => b.id === member.block)?.priceMinorPerKWh;
  if (price === null || price === undefined) return undefined;
  return {
    kind: 'nabo.trade/1',
    tradeId: recordId(marketId, cert.intervalStart, member.gatewayId),
    marketId,
    intervalStart: cert.intervalStart,
    intervalMinutes,
    gatewayId: member.gatewayId,
    buildingId: member.buildingId,
    block: member.block,
    energyWh: boughtWh - soldWh,
    boughtWh,
    soldWh,
    priceMinorPerKWh: price,
    amountMinor: paidMinor - receivedMinor,
    paidMinor,
    receivedMinor,
    resultHash: cert.resultHash,
    snapshotHash: cert.snapshotHash,
    certificate: cert,
  };
}

export function signTrade(trade: TradeRecord, seed: Uint8Array): SignedTrade {
  return signEnvelope(TRADE_DOMAIN, trade, seed);
}

export interface SettlementRecord {
  kind: 'nabo.settlement/1';
  settlementId: string;
  marketId: string;
  intervalStart: string;
  gatewayId: string;
  block: string;
  /** 'final' traded by a certified result; 'grid-only' when the interval had none. */
  market: 'final' | 'grid-only';
  status: 'settled' | 'gap';
  gapReason: string | null;
  /** Net at the grid meter: + drawn, − fed in; null for a gap. */
  meteredWh: number | null;
  tradedWh: number;
  imbalanceWh: number | null;
  tradeMinor: number;
  imbalanceMinor: number | null;
  totalMinor: number | null;
  clearingPriceMinorPerKWh: number | null;
  gridImportPriceMinorPerKWh: number;
  gridExportPriceMinorPerKWh: number;
  tradeId: string | null;
}

export interface SettlementInputs {
  marketId: string;
  intervalStart: string;
  member: RosterMember;
  prices: BlockPrices;
  trade: TradeRecord | undefined;
  market: 'final' | 'grid-only';
  metered: { importWh: number | null; exportWh: number | null; gap: boolean; gapReason: string | null };
}

export function settlementOf(i: SettlementInputs): SettlementRecord | { error: string } {
  const tradedWh = i.trade?.energyWh ?? 0;
  const base = {
    kind: 'nabo.settlement/1' as const,
    // A gap settled later, once metering is repaired, is a second record that supersedes the first.
    settlementId: `${recordId(i.marketId, i.intervalStart, i.member.gatewayId)}/${i.metered.gap || i.metered.importWh === null || i.metered.exportWh === null ? 'gap' : 'settled'}`,
    marketId: i.marketId,
    intervalStart: i.intervalStart,
    gatewayId: i.member.gatewayId,
    block: i.member.block,
    market: i.market,
    tradedWh,
    clearingPriceMinorPerKWh: i.trade?.priceMinorPerKWh ?? null,
    gridImportPriceMinorPerKWh: i.prices.gridImportPriceMinorPerKWh + i.prices.gridTariffMinorPerKWh,
    gridExportPriceMinorPerKWh: i.prices.gridExportPriceMinorPerKWh,
    tradeId: i.trade?.tradeId ?? null,
  };
  if (i.metered.gap || i.metered.importWh === null || i.metered.exportWh === null) {
    // The trade is owed whatever the meter says; the imbalance is unknown until metering is repaired.
    return { ...base, status: 'gap', gapReason: i.metered.gapReason ?? 'no metered energy', meteredWh: null, imbalanceWh: null, tradeMinor: i.trade?.amountMinor ?? 0, imbalanceMinor: null, totalMinor: null };
  }
  const meteredWh = i.metered.importWh - i.metered.exportWh;
  const s = settleInterval({
    blocks: [{ block: i.member.block, clearingPriceMinorPerKWh: i.trade?.priceMinorPerKWh ?? 0, gridImportPriceMinorPerKWh: base.gridImportPriceMinorPerKWh, gridExportPriceMinorPerKWh: base.gridExportPriceMinorPerKWh }],
    positions: [{ participant: i.member.gatewayId, block: i.member.block, meteredWh, tradedWh }],
  });
  if (!s.ok) return { error: `${s.error.kind}: ${s.error.detail}` };
  const p = s.value.participants[0]!;
  return { ...base, status: 'settled', gapReason: null, meteredWh, imbalanceWh: p.imbalanceWh, tradeMinor: p.tradeMinor, imbalanceMinor: p.imbalanceMinor, totalMinor: p.totalMinor };
}

export function signSettlement(record: SettlementRecord, seed: Uint8Array): SignedEnvelope<SettlementRecord> {
  return signEnvelope(SETTLEMENT_DOMAIN, record, seed);
}
