// The operator's checks on one incoming record, in order: readable and signed, sent on its own
// gateway's topic, signed by that gateway's roster key, and for a trade a valid finality
// certificate. Each refusal has a reason kind, counted by the receiver.
import { fail, ok, type Result } from '../../core/result.js';
import { parseSignedRecord, recordHash, type SignedRecord } from '../uplink/record.js';
import { tradePayloadSchema } from '../uplink/payloads.js';
import type { FinalityVerifier } from './finality.js';
import type { MemberDirectory } from './member-directory.js';

export type RefusalKind = 'json' | 'shape' | 'encoding' | 'signature' | 'topic' | 'not-member' | 'payload' | 'finality' | 'id-conflict';

export interface VerifiedRecord {
  signed: SignedRecord;
  hash: string;
}

export interface VerifyContext {
  directory: MemberDirectory;
  finality: FinalityVerifier;
}

/** `topicGatewayId`: the gateway segment of the topic it came on (null when read from a file). */
export function verifyIncoming(input: unknown, topicGatewayId: string | null, ctx: VerifyContext): Result<VerifiedRecord, RefusalKind> {
  const parsed = parseSignedRecord(input);
  if (!parsed.ok) return parsed;
  const signed = parsed.value;
  const rec = signed.payload;
  if (topicGatewayId !== null && rec.gatewayId !== topicGatewayId) return fail('topic', `record of ${rec.gatewayId} sent on the topic of ${topicGatewayId}`);
  if (!ctx.directory.isMember(signed.signer, rec.gatewayId)) return fail('not-member', `${signed.signer.slice(0, 12)}… is not ${rec.gatewayId}'s key in the roster`);
  if (rec.kind === 'trade') {
    const trade = tradePayloadSchema.safeParse(rec.payload);
    if (!trade.success) return fail('payload', `trade ${trade.error.issues[0]?.path.join('.')}: ${trade.error.issues[0]?.message}`);
    const final = ctx.finality.verify(trade.data.resultHash, trade.data.certificate, ctx.directory);
    if (!final.ok) return final;
  }
  return ok({ signed, hash: recordHash(signed) });
}
