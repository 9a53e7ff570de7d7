// What travels between a gateway and the operator on the operator's broker: the topics of the
// agreed layout and the two message shapes (records up, application acks down). Both sides
// parse with these, so a change shows up on both ends at once.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';

export const TOPIC_ROOT = 'nabo/v1';

export function recordsTopic(marketId: string, gatewayId: string): string {
  return `${TOPIC_ROOT}/${marketId}/uplink/${gatewayId}/records`;
}

export function ackTopic(marketId: string, gatewayId: string): string {
  return `${TOPIC_ROOT}/${marketId}/uplink/${gatewayId}/ack`;
}

/** The operator's shared subscription over all markets and gateways. */
export function sharedRecordsFilter(group: string): string {
  return `$share/${group}/${TOPIC_ROOT}/+/uplink/+/records`;
}

/** Market and gateway segments of a records topic, or null for any other topic. */
export function parseRecordsTopic(topic: string): { marketId: string; gatewayId: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[3] !== 'uplink' || parts[5] !== 'records') return null;
  const [, , marketId, , gatewayId] = parts;
  if (!marketId || !gatewayId) return null;
  return { marketId, gatewayId };
}

/** Up: one or more records, each the signed envelope as sent (unparsed here: verified per record). */
export interface RecordsMessage {
  records: Array<{ seq: number; record: unknown }>;
}

export type AckStatus = 'stored' | 'duplicate' | 'refused';

/** Down: the operator's verdict per record id. `stored` and `duplicate` both mean "safe with us". */
export interface AckMessage {
  acks: Array<{ id: string; status: AckStatus; reason?: string }>;
}

const recordsMessageSchema = z.object({
  records: z.array(z.object({ seq: z.number().int().nonnegative(), record: z.unknown() })).min(1).max(10_000),
});

const ackMessageSchema = z.object({
  acks: z.array(z.object({ id: z.string().min(1), status: z.enum(['stored', 'duplicate', 'refused']), reason: z.string().optional() })).max(100_000),
});

function parseJson(bytes: Buffer | string): Result<unknown, 'json'> {
  try {
    return ok(JSON.parse(bytes.toString()) as unknown);
  } catch (err) {
    return fail('json', (err as Error).message);
  }
}

export function parseRecordsMessage(bytes: Buffer | string): Result<RecordsMessage, 'json' | 'shape'> {
  const j = parseJson(bytes);
  if (!j.ok) return j;
  const r = recordsMessageSchema.safeParse(j.value);
  return r.success ? ok(r.data as RecordsMessage) : fail('shape', r.error.issues[0]?.message ?? 'invalid records message');
}

export function parseAckMessage(bytes: Buffer | string): Result<AckMessage, 'json' | 'shape'> {
  const j = parseJson(bytes);
  if (!j.ok) return j;
  const r = ackMessageSchema.safeParse(j.value);
  return r.success ? ok(r.data as AckMessage) : fail('shape', r.error.issues[0]?.message ?? 'invalid ack message');
}
