// Votes and the finality certificate. A result is final when more than half of the roster's
// active members signed a vote for the same (attempt, snapshot hash, result hash); those votes
// are the certificate, which anyone holding the roster can check without trusting us.
import { fail, ok, type Result } from '../../core/result.js';
import { signEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';
import { checkSigned, VOTE_DOMAIN, votePayloadSchema, type VotePayload } from './messages.js';
import type { MemberIndex } from './order-rules.js';
import { majorityOf, type Roster } from './roster.js';

export type SignedVote = SignedEnvelope<VotePayload>;

export interface FinalityCertificate {
  marketId: string;
  intervalStart: string;
  attempt: number;
  snapshotHash: string;
  resultHash: string;
  rosterVersion: number;
  /** Majority of signed votes, sorted by voter. */
  votes: SignedVote[];
}

export type VoteKind = 'non-member' | 'revoked-key' | 'topic-mismatch' | 'wrong-market' | 'wrong-interval' | 'replay' | 'double-vote';

export function signVote(vote: VotePayload, seed: Uint8Array): SignedVote {
  return signEnvelope(VOTE_DOMAIN, vote, seed);
}

/** What votes must agree on to make a certificate together: `<attempt>/<snapshot hash>/<result hash>`. */
export const voteKeyOf = (v: Pick<VotePayload, 'attempt' | 'snapshotHash' | 'resultHash'>): string => `${v.attempt}/${v.snapshotHash}/${v.resultHash}`;

/** One interval's votes. */
export class VoteTally {
  private readonly byKey = new Map<string, Map<string, SignedVote>>();
  /** voter → the key it voted for: a member votes once per interval. */
  private readonly voted = new Map<string, string>();
  /** Votes of a member for two different results: kept as evidence. */
  readonly doubleVotes: Array<[SignedVote, SignedVote]> = [];
  /** Votes a certificate needs (more than half the active members). */
  readonly need: number;

  constructor(
    readonly intervalStart: string,
    private readonly roster: Roster,
    private readonly members: MemberIndex,
  ) {
    this.need = majorityOf(roster);
  }

  /** Votes counted for one key (voteKeyOf). */
  countOf(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }

  add(vote: SignedVote, topicGateway: string): Result<'counted', VoteKind> {
    const v = vote.payload;
    if (v.voter !== topicGateway) return fail('topic-mismatch', `vote of ${v.voter} on the topic of ${topicGateway}`);
    const member = this.members.member(vote.signer);
    if (!member.ok) return member;
    if (member.value.gatewayId !== v.voter) return fail('non-member', `signed by ${member.value.gatewayId} for ${v.voter}`);
    if (v.marketId !== this.roster.marketId) return fail('wrong-market', `vote for market ${v.marketId}`);
    if (v.intervalStart !== this.intervalStart) return fail('wrong-interval', `vote for ${v.intervalStart}`);
    const key = voteKeyOf(v);
    const prior = this.voted.get(v.voter);
    if (prior === key) return fail('replay', `vote of ${v.voter} received before`);
    if (prior !== undefined) {
      this.doubleVotes.push([this.byKey.get(prior)!.get(v.voter)!, vote]);
      return fail('double-vote', `${v.voter} voted for two results`);
    }
    this.voted.set(v.voter, key);
    const set = this.byKey.get(key) ?? new Map<string, SignedVote>();
    set.set(v.voter, vote);
    this.byKey.set(key, set);
    return ok('counted');
  }

  /** The certificate once some result has a majority. */
  certificate(): FinalityCertificate | undefined {
    for (const votes of this.byKey.values()) {
      if (votes.size < this.need) continue;
      const sorted = [...votes.values()].sort((a, b) => (a.payload.voter < b.payload.voter ? -1 : 1));
      const first = sorted[0]!.payload;
      return { marketId: first.marketId, intervalStart: first.intervalStart, attempt: first.attempt, snapshotHash: first.snapshotHash, resultHash: first.resultHash, rosterVersion: this.roster.version, votes: sorted };
    }
    return undefined;
  }

  /** Votes per distinct result, for status and the alarm on disagreement. */
  counts(): Array<{ attempt: number; snapshotHash: string; resultHash: string; votes: number }> {
    return [...this.byKey.values()].map((m) => {
      const v = [...m.values()][0]!.payload;
      return { attempt: v.attempt, snapshotHash: v.snapshotHash, resultHash: v.resultHash, votes: m.size };
    });
  }
}

/** Checks a certificate on its own: a majority of distinct active members signed the same result. */
export function verifyCertificate(cert: FinalityCertificate, roster: Roster, members: MemberIndex, domain = VOTE_DOMAIN): Result<true, 'invalid-certificate'> {
  const voters = new Set<string>();
  for (const raw of cert.votes) {
    // The day-ahead plan's votes have the same shape in their own domain ('plan-vote').
    const v = checkSigned(raw, domain, votePayloadSchema);
    if (!v.ok) return fail('invalid-certificate', `vote: ${v.error.kind}`);
    const m = members.member(v.value.signer);
    if (!m.ok || m.value.gatewayId !== v.value.payload.voter) return fail('invalid-certificate', `vote of ${v.value.payload.voter}: not a member`);
    const p = v.value.payload;
    if (p.resultHash !== cert.resultHash || p.snapshotHash !== cert.snapshotHash || p.attempt !== cert.attempt || p.intervalStart !== cert.intervalStart) return fail('invalid-certificate', `vote of ${p.voter} is for another result`);
    voters.add(p.voter);
  }
  if (voters.size < majorityOf(roster)) return fail('invalid-certificate', `${voters.size} voters, a majority is ${majorityOf(roster)}`);
  return ok(true);
}
