// The generic signed record: everything that leaves a gateway for the operator (trades,
// settlements, results, metered interval energy, alarms, payments) travels as one of these,
// signed by the gateway in the domain 'record' and written to the outbox in the producer's
// own transaction, so a crash between "produced" and "queued" cannot happen.
import { z } from 'zod';
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256Hex } from '../../core/hash.js';
import { fail, ok, type Result } from '../../core/result.js';
import { signEnvelope, verifyEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';
import { durableTransaction } from '../store/database.js';
import type { Store } from '../store/store.js';

export const RECORD_DOMAIN = 'record';

export const RECORD_KINDS = ['trade', 'settlement', 'result', 'interval-energy', 'alarm', 'payment', 'anchor'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function isRecordKind(kind: string): kind is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(kind);
}

/** SQL list of the record kinds, for queries that must ignore other outbox entries. */
export const RECORD_KINDS_SQL = RECORD_KINDS.map((k) => `'${k}'`).join(', ');

const idText = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const recordSchema = z.strictObject({
  /** Idempotent: the same fact always gets the same id, e.g. `trade:<gateway>:<intervalStartMs>`. */
  id: idText,
  kind: z.enum(RECORD_KINDS),
  gatewayId: idText,
  createdMs: z.number().int().nonnegative(),
  payload: z.unknown(),
});

export interface UplinkRecord<P = unknown> {
  id: string;
  kind: RecordKind;
  gatewayId: string;
  createdMs: number;
  payload: P;
}

export type SignedRecord<P = unknown> = SignedEnvelope<UplinkRecord<P>>;

export type RecordErrorKind = 'json' | 'shape' | 'encoding' | 'signature';

export function recordId(kind: RecordKind, gatewayId: string, key: string | number): string {
  return `${kind}:${gatewayId}:${key}`;
}

export function signRecord<P>(record: UplinkRecord<P>, seed: Uint8Array): SignedRecord<P> {
  return signEnvelope(RECORD_DOMAIN, record, seed);
}

/** The text stored in the outbox and sent on the wire: canonical JSON of the envelope. */
export function recordText(signed: SignedRecord): string {
  return canonicalJson(signed);
}

/** The record's hash, a Merkle leaf's input: SHA-256 of the envelope's canonical JSON. */
export function recordHash(signed: SignedRecord): string {
  return sha256Hex(recordText(signed));
}

/** Checks a record of untrusted origin: JSON, envelope shape, signature, record shape. */
export function parseSignedRecord(input: string | unknown): Result<SignedRecord, RecordErrorKind> {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (err) {
      return fail('json', (err as Error).message);
    }
  }
  const env = verifyEnvelope<unknown>(RECORD_DOMAIN, value);
  if (!env.ok) return fail(env.error.kind, env.error.detail);
  const rec = recordSchema.safeParse(env.value.payload);
  if (!rec.success) {
    const issue = rec.error.issues[0];
    return fail('shape', `${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`);
  }
  return ok({ payload: rec.data as UplinkRecord, signer: env.value.signer, signature: env.value.signature });
}

/**
 * Signs `record` and writes it to the outbox. Inside the caller's transaction (the one that
 * stored the trade or settlement) it joins it; otherwise it commits durably on its own.
 * Returns false when a record with this id was already queued (a retried producer).
 */
export function enqueueRecord<P>(store: Store, record: UplinkRecord<P>, seed: Uint8Array): boolean {
  const signed = signRecord(record, seed);
  const write = (): boolean => store.outbox.enqueue({ id: record.id, kind: record.kind, payload: recordText(signed), createdMs: record.createdMs });
  return store.db.inTransaction ? write() : durableTransaction(store.db, write);
}
