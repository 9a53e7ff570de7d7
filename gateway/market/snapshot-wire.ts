// How a snapshot travels (docs/market-protocol.md, "Snapshot on the wire"). What the coordinator
// signs, and every gateway stores, hashes and replays, is the snapshot with every signed order
// in it. On the broker it names each order by its signature instead: every gateway received
// the orders themselves on the order topics, so the book is not sent N times to N gateways. A
// gateway rebuilds the signed snapshot from the orders it holds; one that lacks some asks the
// coordinator (a `want` on its own snapshot topic), which publishes the full form once.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { SignedOrder, SnapshotPayload } from './messages.js';

const SIGNATURE = /^[0-9a-f]{128}$/;

/** The referenced form: each order replaced by its signature. */
export function referencedSnapshot(envelope: SignedEnvelope<SnapshotPayload>): SignedEnvelope<SnapshotPayload> {
  return { ...envelope, payload: { ...envelope.payload, orders: envelope.payload.orders.map((o) => (o as SignedOrder).signature) } };
}

/** Whether a parsed snapshot message names its orders by signature (any string entry). */
export function isReferenced(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object') return false;
  const payload = (raw as { payload?: unknown }).payload;
  if (payload === null || typeof payload !== 'object') return false;
  const orders = (payload as { orders?: unknown }).orders;
  return Array.isArray(orders) && orders.some((o) => typeof o === 'string');
}

export type ResolveKind = 'malformed' | 'orders-missing';

/**
 * The full (signed) form of a referenced snapshot, with the orders looked up by signature; the
 * signatures it could not find when some are missing. Its coordinator signature is checked after.
 */
export function resolveSnapshot(raw: unknown, lookup: (signature: string) => SignedOrder | undefined): Result<unknown, ResolveKind> & { missing?: string[] } {
  const e = raw as { payload: Record<string, unknown> & { orders: unknown[] } };
  const missing: string[] = [];
  const orders: unknown[] = [];
  for (const o of e.payload.orders) {
    if (typeof o !== 'string') {
      orders.push(o);
      continue;
    }
    if (!SIGNATURE.test(o)) return fail('malformed', `order reference ${o.slice(0, 16)}… is not a signature`);
    const held = lookup(o);
    if (held) orders.push(held);
    else missing.push(o);
  }
  if (missing.length > 0) return { ...fail('orders-missing', `${missing.length} of ${orders.length + missing.length} orders not held`), missing };
  return ok({ ...e, payload: { ...e.payload, orders } });
}

/** A gateway's request for the full form of a snapshot it could not rebuild. */
export const wantSchema = z.strictObject({
  want: z.strictObject({
    marketId: z.string().max(128),
    intervalStart: z.iso.datetime({ offset: false }),
    attempt: z.number().int().min(0).max(64),
    coordinator: z.string().max(128),
  }),
});

export type WantMessage = z.output<typeof wantSchema>;

export function isWant(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && 'want' in raw;
}
