// A trade is worth storing only if its interval's result was final: more than half of the
// roster signed the same result hash. The check is pluggable (the market may certify
// differently); this default counts distinct member signatures over the trade's result hash.
import { fail, ok, type Result } from '../../core/result.js';
import { verifyEnvelope } from '../../core/signed-envelope.js';
import { finalityCertificateSchema } from '../uplink/payloads.js';
import type { MemberDirectory } from './member-directory.js';

export interface FinalityVerifier {
  /** `resultHash` is what the record claims; `certificate` is untrusted input. */
  verify(resultHash: string, certificate: unknown, directory: MemberDirectory): Result<{ signers: number }, 'finality'>;
}

/** Domain the market signs its votes in (gateway/market/messages.ts VOTE_DOMAIN). */
export const DEFAULT_VOTE_DOMAIN = 'vote';

export class MajorityFinality implements FinalityVerifier {
  constructor(private readonly voteDomain = DEFAULT_VOTE_DOMAIN) {}

  verify(resultHash: string, certificate: unknown, directory: MemberDirectory): Result<{ signers: number }, 'finality'> {
    const cert = finalityCertificateSchema.safeParse(certificate);
    if (!cert.success) return fail('finality', `certificate: ${cert.error.issues[0]?.message ?? 'invalid'}`);
    if (cert.data.resultHash !== resultHash) return fail('finality', 'certificate is for another result hash');
    const signers = new Set<string>();
    for (const vote of cert.data.votes) {
      const v = verifyEnvelope<{ resultHash?: unknown; voter?: unknown; gatewayId?: unknown }>(this.voteDomain, vote);
      if (!v.ok) continue;
      const p = v.value.payload;
      // The market's votes name the member `voter`; other certifiers may say `gatewayId`.
      const voter = p && typeof p === 'object' ? (p.voter ?? p.gatewayId) : undefined;
      if (!p || p.resultHash !== resultHash || typeof voter !== 'string') continue;
      if (!directory.isMember(v.value.signer, voter)) continue;
      signers.add(v.value.signer);
    }
    const needed = Math.floor(directory.memberCount() / 2) + 1;
    if (signers.size < needed) return fail('finality', `${signers.size} valid member votes, need ${needed} of ${directory.memberCount()}`);
    return ok({ signers: signers.size });
  }
}
