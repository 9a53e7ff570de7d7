// The block exchange's messages (docs/market-protocol.md): an order, the coordinator's
// order-book snapshot and a result vote, each a signed envelope (core/signed-envelope.ts) in its
// own signature domain, so a signature made for one can never pass as another. Decoding takes
// untrusted bytes and returns a Result whose error kind is the rejection reason counted.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { verifyEnvelopeText, verifyEnvelopeTextAsync, type EnvelopeErrorKind, type SignedEnvelope } from '../../core/signed-envelope.js';

export const ORDER_DOMAIN = 'order';
export const SNAPSHOT_DOMAIN = 'snapshot';
export const VOTE_DOMAIN = 'vote';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
const isoUtc = z.iso.datetime({ offset: false });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

const stepSchema = z.strictObject({
  energyWh: z.number().int().min(1).max(1e12),
  priceMinorPerKWh: z.number().int().min(-1_000_000).max(1_000_000),
});

export const orderPayloadSchema = z
  .strictObject({
    marketId: id,
    intervalStart: isoUtc,
    gatewayId: id,
    /** Unique in the market: `<gateway>-<interval index>-<sequence>`. */
    orderId: id,
    /** Rises with every order the gateway sends for the interval; a higher one replaces a lower. */
    sequence: z.number().int().min(0).max(1e9),
    /** No snapshot may hold the order after this instant. */
    expiresAt: isoUtc,
    bid: z.array(stepSchema).min(1).max(100).optional(),
    offer: z.array(stepSchema).min(1).max(100).optional(),
  })
  .refine((o) => o.bid !== undefined || o.offer !== undefined, 'an order has bid steps, offer steps or both');

export type OrderPayload = z.output<typeof orderPayloadSchema>;
export type OrderStep = z.output<typeof stepSchema>;
export type SignedOrder = SignedEnvelope<OrderPayload>;

export const snapshotPayloadSchema = z.strictObject({
  marketId: id,
  intervalStart: isoUtc,
  rosterVersion: z.number().int().min(1),
  /** Which coordinator in turn (0 = the interval's first). */
  attempt: z.number().int().min(0).max(64),
  coordinator: id,
  /** The signed orders it holds, sorted by order id; verified again by every gateway. */
  orders: z.array(z.unknown()).max(100_000),
  /** The operator's signed price list used, or null for the roster's prices. */
  prices: z.unknown().nullable(),
});

export type SnapshotPayload = z.output<typeof snapshotPayloadSchema>;

export const votePayloadSchema = z.strictObject({
  marketId: id,
  intervalStart: isoUtc,
  voter: id,
  attempt: z.number().int().min(0).max(64),
  snapshotHash: hex64,
  /** Hash of the canonical clearing result, or of `{"infeasible":…}` when the book cannot clear. */
  resultHash: hex64,
});

export type VotePayload = z.output<typeof votePayloadSchema>;

export type DecodeErrorKind = 'oversized' | 'invalid-json' | 'malformed' | 'bad-signature' | 'invalid-payload';

/** Bytes → verified envelope of the given domain and payload shape. */
export function decodeSigned<T>(bytes: Uint8Array, maxBytes: number, domain: string, schema: z.ZodType<T>): Result<SignedEnvelope<T>, DecodeErrorKind> {
  const d = decodeSignedText(bytes, maxBytes, domain, schema);
  return d.ok ? ok(d.value.envelope) : d;
}

/** As decodeSigned, with the payload's canonical JSON (a snapshot's hash is taken over it: encode once). */
export function decodeSignedText<T>(bytes: Uint8Array, maxBytes: number, domain: string, schema: z.ZodType<T>): Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, DecodeErrorKind> {
  const raw = parseBounded(bytes, maxBytes);
  return raw.ok ? checkSignedText(raw.value, domain, schema) : raw;
}

/** Bytes → parsed JSON, refusing more than `maxBytes`. */
export function parseBounded(bytes: Uint8Array, maxBytes: number): Result<unknown, 'oversized' | 'invalid-json'> {
  if (bytes.length > maxBytes) return fail('oversized', `${bytes.length} bytes, limit ${maxBytes}`);
  try {
    return ok(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as unknown);
  } catch (err) {
    return fail('invalid-json', (err as Error).message);
  }
}

/** An already parsed value → verified envelope (snapshots carry orders as parsed values). */
export function checkSigned<T>(raw: unknown, domain: string, schema: z.ZodType<T>): Result<SignedEnvelope<T>, Exclude<DecodeErrorKind, 'oversized' | 'invalid-json'>> {
  const c = checkSignedText(raw, domain, schema);
  return c.ok ? ok(c.value.envelope) : c;
}

/** As checkSigned, with the payload's canonical JSON. */
export function checkSignedText<T>(raw: unknown, domain: string, schema: z.ZodType<T>): Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, Exclude<DecodeErrorKind, 'oversized' | 'invalid-json'>> {
  return withSchema(verifyEnvelopeText<unknown>(domain, raw), schema);
}

/** As checkSignedText, the signature checked on the thread pool (core verifyEnvelopeTextAsync); never rejects. */
export async function checkSignedTextAsync<T>(raw: unknown, domain: string, schema: z.ZodType<T>): Promise<Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, Exclude<DecodeErrorKind, 'oversized' | 'invalid-json'>>> {
  return withSchema(await verifyEnvelopeTextAsync<unknown>(domain, raw), schema);
}

function withSchema<T>(v: Result<{ envelope: SignedEnvelope<unknown>; canonicalPayload: string }, EnvelopeErrorKind>, schema: z.ZodType<T>): Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, Exclude<DecodeErrorKind, 'oversized' | 'invalid-json'>> {
  if (!v.ok) return fail(v.error.kind === 'signature' ? 'bad-signature' : 'malformed', v.error.detail);
  const env = v.value.envelope;
  const parsed = schema.safeParse(env.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('invalid-payload', `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
  }
  return ok({ envelope: { payload: parsed.data, signer: env.signer, signature: env.signature }, canonicalPayload: v.value.canonicalPayload });
}

/** Order ids: `<gateway>-<interval index>-<sequence>`, unique per gateway, interval and sequence. */
export function orderIdFor(gatewayId: string, intervalStartMs: number, intervalMs: number, sequence: number): string {
  return `${gatewayId}-${Math.floor(intervalStartMs / intervalMs)}-${sequence}`;
}
