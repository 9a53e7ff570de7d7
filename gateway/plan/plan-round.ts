// One plan day as one gateway sees it: the forecasts collected, the snapshots received per
// coordinator attempt (two different ones from one coordinator is equivocation), this gateway's
// vote (at most one), the others' votes in the market's VoteTally, and how it ended. Pure state.
import type { FinalityCertificate } from '../market/finality.js';
import { VoteTally } from '../market/finality.js';
import type { MemberIndex } from '../market/order-rules.js';
import type { Roster } from '../market/roster.js';
import type { SignedPlanForecast } from './plan-messages.js';
import type { SolvedPlan } from './plan-schedule.js';
import type { VerifiedPlanSnapshot } from './plan-snapshot.js';

export type PlanRoundStatus = 'collecting' | 'final' | 'alone';

export class PlanRound {
  readonly planStart: string;
  /** Latest valid forecast per gateway. */
  readonly forecasts = new Map<string, SignedPlanForecast>();
  readonly snapshots = new Map<number, Map<string, VerifiedPlanSnapshot>>();
  readonly equivocatedAttempts = new Set<number>();
  readonly solved = new Map<string, Promise<SolvedPlan>>();
  readonly tally: VoteTally;
  voted: { attempt: number; snapshotHash: string; planHash: string } | undefined;
  voteScheduled = false;
  status: PlanRoundStatus = 'collecting';
  reason: string | null = null;
  certificate: FinalityCertificate | undefined;

  constructor(
    readonly planStartMs: number,
    readonly roster: Roster,
    readonly members: MemberIndex,
  ) {
    this.planStart = new Date(planStartMs).toISOString();
    this.tally = new VoteTally(this.planStart, roster, members);
  }

  addSnapshot(s: VerifiedPlanSnapshot): 'new' | 'known' | 'equivocation' {
    const byHash = this.snapshots.get(s.attempt) ?? new Map<string, VerifiedPlanSnapshot>();
    if (byHash.has(s.hash)) return 'known';
    const first = byHash.size > 0;
    byHash.set(s.hash, s);
    this.snapshots.set(s.attempt, byHash);
    if (first) {
      this.equivocatedAttempts.add(s.attempt);
      return 'equivocation';
    }
    return 'new';
  }

  votable(attempt: number): VerifiedPlanSnapshot | undefined {
    if (this.equivocatedAttempts.has(attempt)) return undefined;
    const byHash = this.snapshots.get(attempt);
    return byHash && byHash.size === 1 ? [...byHash.values()][0] : undefined;
  }

  earlierSnapshotLive(attempt: number): boolean {
    for (let a = 0; a < attempt; a++) if (this.votable(a)) return true;
    return false;
  }

  snapshotByHash(hash: string): VerifiedPlanSnapshot | undefined {
    for (const byHash of this.snapshots.values()) {
      const s = byHash.get(hash);
      if (s) return s;
    }
    return undefined;
  }

  /** Forecasts of a snapshot: one per gateway for this plan's start and length, sorted by gateway id. */
  forecastsFor(steps: number): SignedPlanForecast[] {
    return [...this.forecasts.values()].filter((f) => f.payload.steps === steps).sort((a, b) => (a.payload.gatewayId < b.payload.gatewayId ? -1 : 1));
  }
}
