// What a market interval and a day-ahead plan share as rounds: the coordinators' snapshots
// received per attempt (two different ones from one coordinator is equivocation, both kept as
// evidence), the votes in a VoteTally, and how the round ended. Pure state; the services do the
// I/O, and each round adds what only it keeps (market-round.ts, plan/plan-round.ts).
import type { FinalityCertificate } from './finality.js';
import { VoteTally } from './finality.js';
import type { MemberIndex } from './order-rules.js';
import type { Roster } from './roster.js';

/** A snapshot verified against the roster: which coordinator attempt it is, its hash, its signed form. */
export interface AttemptSnapshot {
  attempt: number;
  hash: string;
  envelope: unknown;
}

export class SnapshotRound<S extends AttemptSnapshot> {
  /** The round's start, ISO 8601 UTC: what votes name. */
  readonly start: string;
  readonly snapshots = new Map<number, Map<string, S>>();
  readonly equivocations: Array<{ attempt: number; first: S['envelope']; second: S['envelope'] }> = [];
  readonly equivocatedAttempts = new Set<number>();
  readonly tally: VoteTally;
  voteScheduled = false;
  reason: string | null = null;
  certificate: FinalityCertificate | undefined;

  constructor(
    /** The round's start, epoch ms: the interval's or the plan day's. */
    readonly startMs: number,
    readonly roster: Roster,
    readonly members: MemberIndex,
  ) {
    this.start = new Date(startMs).toISOString();
    this.tally = new VoteTally(this.start, roster, members);
  }

  /**
   * Records a verified snapshot; returns 'new', 'known' (already held) or 'equivocation' when
   * the attempt's coordinator signed a different one before.
   */
  addSnapshot(s: S): 'new' | 'known' | 'equivocation' {
    const byHash = this.snapshots.get(s.attempt) ?? new Map<string, S>();
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
  votable(attempt: number): S | undefined {
    if (this.equivocatedAttempts.has(attempt)) return undefined;
    const byHash = this.snapshots.get(attempt);
    return byHash && byHash.size === 1 ? [...byHash.values()][0] : undefined;
  }

  /** Whether an attempt below `attempt` produced a snapshot still in play (so the next coordinator stays quiet). */
  earlierSnapshotLive(attempt: number): boolean {
    for (let a = 0; a < attempt; a++) if (this.votable(a)) return true;
    return false;
  }

  snapshotByHash(hash: string): S | undefined {
    for (const byHash of this.snapshots.values()) {
      const s = byHash.get(hash);
      if (s) return s;
    }
    return undefined;
  }
}
