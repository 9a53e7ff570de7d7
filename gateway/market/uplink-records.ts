// What the market sends the operator: its trades, results and settlements as the uplink's signed
// records (gateway/uplink/record.ts, payload shapes of docs/uplink.md), built from the market's
// own trade and settlement and enqueued in the transaction that stores them. The market's
// signed trade stays the block's evidence; these records are what leaves the gateway.
import type { UplinkRecord } from '../uplink/record.js';
import { recordId } from '../uplink/record.js';
import type { SettlementPayload, TradePayload } from '../uplink/payloads.js';
import type { FinalityCertificate } from './finality.js';
import type { SettlementRecord, TradeRecord } from './records.js';

/** One record per side the building traded on: `trade:<gw>:<intervalStartMs>:buy|sell`. */
export function tradeUplinkRecords(trade: TradeRecord, intervalStartMs: number, createdMs: number): Array<UplinkRecord<TradePayload>> {
  const sides: Array<{ side: 'buy' | 'sell'; energyWh: number; amountMinor: number }> = [
    { side: 'buy', energyWh: trade.boughtWh, amountMinor: trade.paidMinor },
    { side: 'sell', energyWh: trade.soldWh, amountMinor: trade.receivedMinor },
  ];
  return sides
    .filter((s) => s.energyWh > 0)
    .map((s) => ({
      id: recordId('trade', trade.gatewayId, `${intervalStartMs}:${s.side}`),
      kind: 'trade' as const,
      gatewayId: trade.gatewayId,
      createdMs,
      payload: {
        marketId: trade.marketId,
        blockId: trade.block,
        intervalStartMs,
        intervalMs: trade.intervalMinutes * 60_000,
        side: s.side,
        energyWh: s.energyWh,
        priceMinorPerKWh: trade.priceMinorPerKWh,
        amountMinor: s.amountMinor,
        resultHash: trade.resultHash,
        certificate: trade.certificate,
      },
    }));
}

export interface ResultPayload {
  marketId: string;
  intervalStartMs: number;
  intervalMs: number;
  resultHash: string;
  snapshotHash: string;
  certificate: FinalityCertificate;
}

/** The interval's final result as this gateway holds it, with its certificate: `result:<gw>:<intervalStartMs>`. */
export function resultUplinkRecord(gatewayId: string, cert: FinalityCertificate, intervalStartMs: number, intervalMs: number, createdMs: number): UplinkRecord<ResultPayload> {
  return {
    id: recordId('result', gatewayId, intervalStartMs),
    kind: 'result',
    gatewayId,
    createdMs,
    payload: { marketId: cert.marketId, intervalStartMs, intervalMs, resultHash: cert.resultHash, snapshotHash: cert.snapshotHash, certificate: cert },
  };
}

/**
 * A settled interval (`settlement:<gw>:<intervalStartMs>`); a gap is not sent: its imbalance is
 * unknown, the gap travels as the meter's interval-energy record, and the settlement follows
 * once metering is repaired.
 */
export function settlementUplinkRecord(
  s: SettlementRecord,
  metered: { importWh: number; exportWh: number },
  trade: TradeRecord | undefined,
  intervalStartMs: number,
  intervalMs: number,
  createdMs: number,
): UplinkRecord<SettlementPayload> | undefined {
  if (s.status !== 'settled' || s.imbalanceWh === null || s.imbalanceMinor === null) return undefined;
  return {
    id: recordId('settlement', s.gatewayId, intervalStartMs),
    kind: 'settlement',
    gatewayId: s.gatewayId,
    createdMs,
    payload: {
      marketId: s.marketId,
      blockId: s.block,
      intervalStartMs,
      intervalMs,
      meteredImportWh: metered.importWh,
      meteredExportWh: metered.exportWh,
      boughtWh: trade?.boughtWh ?? 0,
      soldWh: trade?.soldWh ?? 0,
      imbalanceImportWh: Math.max(0, s.imbalanceWh),
      imbalanceExportWh: Math.max(0, -s.imbalanceWh),
      // The trades' own amounts, so the operator finds settlement and trades agree to the minor unit.
      tradeAmountMinor: trade ? trade.paidMinor - trade.receivedMinor : 0,
      imbalanceAmountMinor: s.imbalanceMinor,
      clearingPriceMinorPerKWh: s.clearingPriceMinorPerKWh,
      gridImportPriceMinorPerKWh: s.gridImportPriceMinorPerKWh,
      gridExportPriceMinorPerKWh: s.gridExportPriceMinorPerKWh,
    },
  };
}
