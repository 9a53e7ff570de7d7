// The order-book snapshot: what the interval's coordinator signs at gate closure, and what every
// gateway verifies (coordinator in turn, roster version, every order again, prices from the
// operator) and clears to the same bytes. The clearing inputs follow from the snapshot and the
// roster alone, so `nabo market replay` can re-clear a stored snapshot years later.
import { canonicalJsonOnce } from '../../core/canonical-json.js';
import { hashOf, sha256Hex } from '../../core/hash.js';
import { fail, ok, type Result } from '../../core/result.js';
import { signEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';
import { clearBook, clearInterval, validateOrderBook, type ClearingResult, type OrderBook, type OrderBookInput } from '../../edge-solver/clearing/index.js';
import { checkSigned, orderPayloadSchema, SNAPSHOT_DOMAIN, ORDER_DOMAIN, type SignedOrder, type SnapshotPayload } from './messages.js';
import { checkOrder, MemberIndex } from './order-rules.js';
import { blockPricesFor, verifyPriceList, type BlockPrices, type PriceList } from './prices.js';
import { coordinatorFor, type Roster } from './roster.js';
import type { VerifiedOrders } from './verified-orders.js';

export type SnapshotKind = 'wrong-market' | 'roster-version' | 'not-coordinator' | 'bad-order' | 'unsorted-orders' | 'duplicate-gateway' | 'bad-prices' | 'invalid-book';

export interface VerifiedSnapshot {
  envelope: SignedEnvelope<SnapshotPayload>;
  hash: string;
  intervalStartMs: number;
  attempt: number;
  orders: SignedOrder[];
  book: OrderBook;
  priceSource: 'price-list' | 'roster';
}

export interface ClearedSnapshot {
  resultHash: string;
  /** null when the book cannot be cleared (every honest gateway then agrees on grid only). */
  result: ClearingResult | null;
  failure?: string;
}

export function signSnapshot(payload: SnapshotPayload, seed: Uint8Array): SignedEnvelope<SnapshotPayload> {
  return signEnvelope(SNAPSHOT_DOMAIN, payload, seed);
}

export function snapshotHash(envelope: SignedEnvelope<SnapshotPayload>): string {
  return hashOf(envelope.payload);
}

/** The clearing book of a set of checked orders: roster blocks at the interval's prices, its lines, one book order per side. */
export function bookFor(roster: Roster, intervalStart: string, prices: readonly BlockPrices[], orders: readonly SignedOrder[], members: MemberIndex): Result<OrderBook, 'invalid-book'> {
  const caps = new Map(roster.blocks.map((b) => [b.id, b.connectionCapWh]));
  const input: OrderBookInput = {
    intervalStart: intervalStart.replace(/\.000Z$/, 'Z'),
    intervalMinutes: roster.parameters.intervalMinutes,
    blocks: prices.map((p) => ({
      id: p.block,
      gridImportPriceMinorPerKWh: p.gridImportPriceMinorPerKWh,
      gridTariffMinorPerKWh: p.gridTariffMinorPerKWh,
      gridExportPriceMinorPerKWh: p.gridExportPriceMinorPerKWh,
      ...(caps.get(p.block) !== undefined ? { connectionCapWh: caps.get(p.block)! } : {}),
    })),
    lines: roster.lines.map((l) => ({ ...l })),
    orders: orders.flatMap((o) => {
      const block = members.byGateway(o.payload.gatewayId)?.block ?? '';
      const sides: OrderBookInput['orders'] = [];
      if (o.payload.bid) sides.push({ id: `${o.payload.orderId}:bid`, participant: o.payload.gatewayId, block, side: 'bid', steps: o.payload.bid });
      if (o.payload.offer) sides.push({ id: `${o.payload.orderId}:offer`, participant: o.payload.gatewayId, block, side: 'offer', steps: o.payload.offer });
      return sides;
    }),
  };
  return validateOrderBook(input);
}

/** What a gateway already knows that spares work: orders it verified, the payload's canonical JSON. */
export interface SnapshotShortcuts {
  verified?: VerifiedOrders;
  /** Canonical JSON of `envelope.payload` as decoded (its hash is the snapshot hash). */
  canonicalPayload?: string;
}

/** Verifies a decoded snapshot envelope against the roster this gateway holds. */
export function verifySnapshot(envelope: SignedEnvelope<SnapshotPayload>, roster: Roster, members: MemberIndex = new MemberIndex(roster), known: SnapshotShortcuts = {}): Result<VerifiedSnapshot, SnapshotKind> {
  const s = envelope.payload;
  if (s.marketId !== roster.marketId) return fail('wrong-market', `snapshot for market ${s.marketId}`);
  if (s.rosterVersion !== roster.version) return fail('roster-version', `snapshot made with roster version ${s.rosterVersion}, this gateway holds ${roster.version}`);
  const intervalStartMs = Date.parse(s.intervalStart);
  const expected = coordinatorFor(roster, intervalStartMs, s.attempt);
  if (!expected || expected.gatewayId !== s.coordinator || expected.publicKey !== envelope.signer) return fail('not-coordinator', `attempt ${s.attempt} of ${s.intervalStart} belongs to ${expected?.gatewayId ?? 'nobody'}`);
  let list: PriceList | null = null;
  if (s.prices !== null) {
    const v = verifyPriceList(s.prices, roster);
    if (!v.ok) return fail('bad-prices', `embedded price list: ${v.error.kind}: ${v.error.detail}`);
    if (!v.value.payload.intervals.some((i) => i.intervalStart === s.intervalStart)) return fail('bad-prices', 'embedded price list does not cover the interval');
    list = v.value.payload;
  }
  const { prices, source } = blockPricesFor(roster, s.intervalStart, list);
  const byBlock = new Map(prices.map((p) => [p.block, p]));
  const orders: SignedOrder[] = [];
  const gateways = new Set<string>();
  let previousId = '';
  for (const [i, raw] of s.orders.entries()) {
    // An order verified at intake is taken when the snapshot carries it unchanged; else checked in full.
    const hit = known.verified?.match(raw);
    const o = hit ? ok(hit.order) : checkSigned(raw, ORDER_DOMAIN, orderPayloadSchema);
    if (!o.ok) return fail('bad-order', `orders[${i}]: ${o.error.kind}: ${o.error.detail}`);
    const rules = checkOrder(o.value, members, (block) => byBlock.get(block));
    if (!rules.ok) return fail('bad-order', `orders[${i}]: ${rules.error.kind}: ${rules.error.detail}`);
    if (o.value.payload.intervalStart !== s.intervalStart) return fail('bad-order', `orders[${i}]: for ${o.value.payload.intervalStart}`);
    if (o.value.payload.orderId <= previousId) return fail('unsorted-orders', `orders[${i}]: ${o.value.payload.orderId} not after ${previousId}`);
    if (gateways.has(o.value.payload.gatewayId)) return fail('duplicate-gateway', `orders[${i}]: a second order of ${o.value.payload.gatewayId}`);
    previousId = o.value.payload.orderId;
    gateways.add(o.value.payload.gatewayId);
    orders.push(o.value);
  }
  const book = bookFor(roster, s.intervalStart, prices, orders, members);
  if (!book.ok) return fail('invalid-book', book.error.detail);
  const hash = known.canonicalPayload !== undefined ? sha256Hex(known.canonicalPayload) : snapshotHash(envelope);
  return ok({ envelope, hash, intervalStartMs, attempt: s.attempt, orders, book: book.value, priceSource: source });
}

/** Clears a verified snapshot with the roster's backend and price rule; the hash every gateway votes on. */
export async function clearSnapshot(snapshot: Pick<VerifiedSnapshot, 'book' | 'hash'>, roster: Roster): Promise<ClearedSnapshot> {
  const { solverBackend: backend, priceRule } = roster.parameters;
  const outcome = backend === 'auto' ? await clearBook(snapshot.book, { priceRule }) : await clearInterval(snapshot.book, { backend, priceRule });
  // Encoded once: the result is stored and hashed as the same text.
  if (outcome.ok) return { resultHash: sha256Hex(canonicalJsonOnce(outcome.value)), result: outcome.value };
  // Which failure is part of the hash: gateways agree that the interval is grid only, and why.
  return { resultHash: hashOf({ snapshotHash: snapshot.hash, failure: outcome.error.kind }), result: null, failure: `${outcome.error.kind}: ${outcome.error.detail}` };
}
