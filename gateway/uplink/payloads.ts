// Payload shapes of the record kinds the operator reads (docs/uplink.md documents them for the
// producers): a trade with its finality certificate, a settlement, and metered interval energy.
// Other kinds (result, alarm, payment, anchor) are stored as they come.
import { z } from 'zod';

const int = z.number().int();
const wh = int.nonnegative();
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

const envelope = z.object({ payload: z.unknown(), signer: z.string(), signature: z.string() });

/** Votes of the roster members over one result hash; final when more than half signed it. */
export const finalityCertificateSchema = z.object({
  resultHash: hex64,
  votes: z.array(envelope).max(10_000),
});

export const tradePayloadSchema = z.object({
  marketId: z.string().min(1),
  blockId: z.string().min(1),
  intervalStartMs: int.nonnegative(),
  intervalMs: int.positive(),
  /** `buy`: the building took energy from the block market; `sell`: it delivered. */
  side: z.enum(['buy', 'sell']),
  energyWh: wh,
  /** The block's clearing price; may be negative, and fractional (the clearing publishes it to 1e-6 minor/kWh). */
  priceMinorPerKWh: z.number().finite(),
  /** What the building pays (buy, > 0) or receives (sell, > 0): energyWh × price / 1000, rounded half away from zero. */
  amountMinor: int,
  resultHash: hex64,
  certificate: finalityCertificateSchema,
});

export const settlementPayloadSchema = z.object({
  marketId: z.string().min(1),
  blockId: z.string().min(1),
  intervalStartMs: int.nonnegative(),
  intervalMs: int.positive(),
  meteredImportWh: wh,
  meteredExportWh: wh,
  boughtWh: wh,
  soldWh: wh,
  /** The difference between metered and traded energy, taken from or given to the grid. */
  imbalanceImportWh: wh,
  imbalanceExportWh: wh,
  /** Paid for bought energy minus received for sold energy. */
  tradeAmountMinor: int,
  /** Paid for imbalance import minus received for imbalance export, at the grid's prices. */
  imbalanceAmountMinor: int,
  clearingPriceMinorPerKWh: z.number().finite().nullable(),
  gridImportPriceMinorPerKWh: int,
  gridExportPriceMinorPerKWh: int,
});

export const intervalEnergyPayloadSchema = z.object({
  deviceId: z.string().min(1),
  intervalStartMs: int.nonnegative(),
  intervalMs: int.positive(),
  importWh: wh.nullable(),
  exportWh: wh.nullable(),
  quality: z.enum(['measured', 'estimated', 'reconciled', 'gap']),
  gapReason: z.string().nullable(),
});

export type FinalityCertificate = z.output<typeof finalityCertificateSchema>;
export type TradePayload = z.output<typeof tradePayloadSchema>;
export type SettlementPayload = z.output<typeof settlementPayloadSchema>;
export type IntervalEnergyPayload = z.output<typeof intervalEnergyPayloadSchema>;

/** The payload's interval start, for filing a record under a day; null when it has none. */
export function intervalStartOf(payload: unknown): number | null {
  if (payload && typeof payload === 'object' && 'intervalStartMs' in payload) {
    const v = (payload as { intervalStartMs: unknown }).intervalStartMs;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
  }
  return null;
}
