// One interval's exchange as one gateway sees it: the snapshots received per coordinator
// attempt (two different ones from one coordinator is equivocation), the vote this gateway
// cast (at most one per interval), the votes of the others, and how it ended. Pure state; the
// service does the I/O.
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { FinalityCertificate, SignedVote } from './finality.js';
import { VoteTally } from './finality.js';
import type { SnapshotPayload } from './messages.js';
import type { MemberIndex } from './order-rules.js';
import type { Roster } from './roster.js';
import type { ClearedSnapshot, VerifiedSnapshot } from './snapshot.js';

export type RoundStatus = 'open' | 'final' | 'grid-only';

export class MarketRound {
  readonly intervalStart: string;
  readonly snapshots = new Map<number, Map<string, VerifiedSnapshot>>();
  readonly equivocations: Array<{ attempt: number; first: SignedEnvelope<SnapshotPayload>; second: SignedEnvelope<SnapshotPayload> }> = [];
  readonly equivocatedAttempts = new Set<number>();
  readonly cleared = new Map<string, Promise<ClearedSnapshot>>();
  readonly tally: VoteTally;
  voted: { attempt: number; snapshotHash: string; resultHash: string } | undefined;
  voteScheduled = false;
  status: RoundStatus = 'open';
  reason: string | null = null;
  certificate: FinalityCertificate | undefined;
  ownResultHash: string | undefined;
  /** Votes that came after this gateway held a certificate, parsed, checked at the deadline (they cannot change the outcome here). */
  readonly lateVotes: Array<{ raw: unknown; from: string }> = [];
  /**
   * Votes parsed but not yet checked, by the key they claim (voteKeyOf): a key's signatures are
   * checked once its votes could make a certificate (counted + held ≥ majority); the others at
   * the deadline. `heldVotes` counts them all.
   */
  readonly held = new Map<string, Array<{ raw: unknown; from: string }>>();
  heldVotes = 0;
  /** Held votes of a result whose signature check is running (on the thread pool), by key. */
  readonly checking = new Map<string, number>();
  /** Votes counted but not yet in the store: written in one transaction at finality or the deadline. */
  readonly unsavedVotes: SignedVote[] = [];
  /** When the gate closed here and when the result became final here (clock ms), for latency. */
  finalAtMs: number | undefined;

  constructor(
    readonly intervalStartMs: number,
    readonly roster: Roster,
    readonly members: MemberIndex,
  ) {
    this.intervalStart = new Date(intervalStartMs).toISOString();
    this.tally = new VoteTally(this.intervalStart, roster, members);
  }

  /**
   * Records a verified snapshot; returns 'new', 'known' (already held) or 'equivocation' when
   * the attempt's coordinator signed a different one before.
   */
  addSnapshot(s: VerifiedSnapshot): 'new' | 'known' | 'equivocation' {
    const byHash = this.snapshots.get(s.attempt) ?? new Map<string, VerifiedSnapshot>();
    if (byHash.has(s.hash)) return 'known';
    const first = [...byHash.values()][0];
    byHash.set(s.hash, s);
    this.snapshots.set(s.attempt, byHash);
    if (first) {
      this.equivocatedAttempts.add(s.attempt);
      this.equivocations.push({ attempt: s.attempt, first: first.envelope, second: s.envelope });
      return 'equivocation';
    }
    return 'new';
  }

  /** The snapshot of an attempt that this gateway may vote on: exactly one, not equivocated. */
  votable(attempt: number): VerifiedSnapshot | undefined {
    if (this.equivocatedAttempts.has(attempt)) return undefined;
    const byHash = this.snapshots.get(attempt);
    return byHash && byHash.size === 1 ? [...byHash.values()][0] : undefined;
  }

  /** Whether an attempt below `attempt` produced a snapshot still in play (so the next coordinator stays quiet). */
  earlierSnapshotLive(attempt: number): boolean {
    for (let a = 0; a < attempt; a++) if (this.votable(a)) return true;
    return false;
  }

  snapshotByHash(hash: string): VerifiedSnapshot | undefined {
    for (const byHash of this.snapshots.values()) {
      const s = byHash.get(hash);
      if (s) return s;
    }
    return undefined;
  }
}
