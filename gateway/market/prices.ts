// The operator's signed grid price list (domain 'prices', a retained MQTT message): per
// interval and block the import price (day-ahead spot plus margin), tariff and feed-in price.
// Fallback, documented in docs/market-protocol.md: an interval the list does not cover (or no
// list at all) uses the roster's block prices. The coordinator embeds the list it used in its
// snapshot, so every gateway clears with the same prices whether or not it received the list.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { signEnvelope, verifyEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';
import type { Roster } from './roster.js';

const minorPerKWh = z.number().int().min(-1_000_000).max(1_000_000);

const blockPricesSchema = z.strictObject({
  block: z.string().min(1).max(64),
  gridImportPriceMinorPerKWh: minorPerKWh,
  gridTariffMinorPerKWh: minorPerKWh,
  gridExportPriceMinorPerKWh: minorPerKWh,
});

export const priceListSchema = z.strictObject({
  marketId: z.string().min(1).max(64),
  /** Higher replaces lower for the intervals both cover. */
  version: z.number().int().min(1),
  intervals: z
    .array(z.strictObject({ intervalStart: z.iso.datetime({ offset: false }), blocks: z.array(blockPricesSchema).min(1).max(100) }))
    .min(1)
    .max(400),
});

export type PriceList = z.output<typeof priceListSchema>;
export type BlockPrices = z.output<typeof blockPricesSchema>;
export type PriceListErrorKind = 'unsigned' | 'bad-signature' | 'wrong-signer' | 'invalid' | 'wrong-market' | 'older';

export const PRICES_DOMAIN = 'prices';

export function signPriceList(list: PriceList, operatorSeed: Uint8Array): SignedEnvelope<PriceList> {
  return signEnvelope(PRICES_DOMAIN, list, operatorSeed);
}

export function verifyPriceList(envelope: unknown, roster: Roster): Result<SignedEnvelope<PriceList>, PriceListErrorKind> {
  if (envelope === null || typeof envelope !== 'object' || !('signature' in envelope)) return fail('unsigned', 'a price list must be a signed envelope');
  // Every snapshot carries the day's list: verify it once. A hit needs the same signature, signer
  // and payload (JSON.stringify equal, hence canonical JSON equal) against the same roster terms.
  const e = envelope as { signature?: unknown; signer?: unknown; payload?: unknown };
  const terms = `${roster.operatorPublicKey}|${roster.marketId}|${roster.blocks.map((b) => b.id).join(',')}`;
  const payloadJson = typeof e.signature === 'string' ? JSON.stringify(e.payload) : undefined;
  const hit = payloadJson !== undefined ? verifiedLists.get(e.signature as string) : undefined;
  if (hit && hit.payloadJson === payloadJson && hit.signer === e.signer && hit.terms === terms) return ok(hit.list);
  const result = verifyPriceListOnce(envelope, roster);
  if (result.ok && payloadJson !== undefined) {
    verifiedLists.set(result.value.signature, { payloadJson, signer: result.value.signer, terms, list: result.value });
    if (verifiedLists.size > VERIFIED_LISTS_KEPT) verifiedLists.delete(verifiedLists.keys().next().value!);
  }
  return result;
}

const VERIFIED_LISTS_KEPT = 8;
const verifiedLists = new Map<string, { payloadJson: string; signer: unknown; terms: string; list: SignedEnvelope<PriceList> }>();

function verifyPriceListOnce(envelope: object, roster: Roster): Result<SignedEnvelope<PriceList>, PriceListErrorKind> {
  const checked = verifyEnvelope<unknown>(PRICES_DOMAIN, envelope);
  if (!checked.ok) return fail(checked.error.kind === 'signature' ? 'bad-signature' : 'unsigned', checked.error.detail);
  if (checked.value.signer !== roster.operatorPublicKey) return fail('wrong-signer', 'a price list must be signed by the roster operator');
  const parsed = priceListSchema.safeParse(checked.value.payload);
  if (!parsed.success) return fail('invalid', `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  if (parsed.data.marketId !== roster.marketId) return fail('wrong-market', `price list of market ${parsed.data.marketId}`);
  const known = new Set(roster.blocks.map((b) => b.id));
  for (const i of parsed.data.intervals) {
    for (const b of i.blocks) {
      if (!known.has(b.block)) return fail('invalid', `${i.intervalStart}: unknown block ${b.block}`);
      if (b.gridExportPriceMinorPerKWh >= b.gridImportPriceMinorPerKWh + b.gridTariffMinorPerKWh) return fail('invalid', `${i.intervalStart} ${b.block}: feed-in must be below import plus tariff`);
    }
  }
  return ok({ payload: parsed.data, signer: checked.value.signer, signature: checked.value.signature });
}

/** Whether the list names prices for this interval. */
export function coversInterval(list: PriceList, intervalStart: string): boolean {
  return list.intervals.some((i) => i.intervalStart === intervalStart);
}

/** The prices of every roster block in one interval: the list's where it has them, else the roster's (the fallback). */
export function blockPricesFor(roster: Roster, intervalStart: string, list: PriceList | null): { prices: BlockPrices[]; source: 'price-list' | 'roster' } {
  const entry = list?.intervals.find((i) => i.intervalStart === intervalStart);
  const listed = new Map((entry?.blocks ?? []).map((b) => [b.block, b]));
  const prices = roster.blocks.map(
    (b) =>
      listed.get(b.id) ?? {
        block: b.id,
        gridImportPriceMinorPerKWh: b.gridImportPriceMinorPerKWh,
        gridTariffMinorPerKWh: b.gridTariffMinorPerKWh,
        gridExportPriceMinorPerKWh: b.gridExportPriceMinorPerKWh,
      },
  );
  return { prices, source: entry ? 'price-list' : 'roster' };
}

/** Holds the newest valid price lists; picks the one to embed for an interval. */
export class PriceListHolder {
  private lists: Array<SignedEnvelope<PriceList>> = [];
  readonly refused = new Map<PriceListErrorKind, number>();

  offer(envelope: unknown, roster: Roster): Result<'taken', PriceListErrorKind> {
    const v = verifyPriceList(envelope, roster);
    if (!v.ok) {
      this.refused.set(v.error.kind, (this.refused.get(v.error.kind) ?? 0) + 1);
      return v;
    }
    if (this.lists.some((l) => l.payload.version >= v.value.payload.version)) {
      this.refused.set('older', (this.refused.get('older') ?? 0) + 1);
      return fail('older', `price list version ${v.value.payload.version} is not newer than one held`);
    }
    // Keep a few: an older list may still be the only one covering an interval in play.
    this.lists = [v.value, ...this.lists].slice(0, 4);
    return ok('taken');
  }

  /** The newest list covering the interval, or null (the roster fallback). */
  forInterval(intervalStart: string): SignedEnvelope<PriceList> | null {
    return this.lists.find((l) => coversInterval(l.payload, intervalStart)) ?? null;
  }
}
