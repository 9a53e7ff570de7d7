// One interval's exchange as one gateway sees it: snapshots, votes and how it ended as every
// round keeps them (snapshot-round.ts), plus what the market adds: the results cleared, the vote
// this gateway cast (at most one per interval), votes held for a lazy signature check, and the
// votes still to store. Pure state; the service does the I/O.
import type { SignedVote } from './finality.js';
import type { ClearedSnapshot, VerifiedSnapshot } from './snapshot.js';
import { SnapshotRound } from './snapshot-round.js';

export type RoundStatus = 'open' | 'final' | 'grid-only';

export class MarketRound extends SnapshotRound<VerifiedSnapshot> {
  get intervalStartMs(): number {
    return this.startMs;
  }

  get intervalStart(): string {
    return this.start;
  }

  readonly cleared = new Map<string, Promise<ClearedSnapshot>>();
  voted: { attempt: number; snapshotHash: string; resultHash: string } | undefined;
  status: RoundStatus = 'open';
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
}
