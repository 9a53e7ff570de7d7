// One plan day as one gateway sees it: snapshots, votes and how it ended as every round keeps
// them (market/snapshot-round.ts), plus the forecasts collected, the plans solved per snapshot
// and this gateway's vote (at most one). Pure state.
import { SnapshotRound } from '../market/snapshot-round.js';
import type { SignedPlanForecast } from './plan-messages.js';
import type { SolvedPlan } from './plan-schedule.js';
import type { VerifiedPlanSnapshot } from './plan-snapshot.js';

export type PlanRoundStatus = 'collecting' | 'final' | 'alone';

export class PlanRound extends SnapshotRound<VerifiedPlanSnapshot> {
  get planStartMs(): number {
    return this.startMs;
  }

  get planStart(): string {
    return this.start;
  }

  /** Latest valid forecast per gateway. */
  readonly forecasts = new Map<string, SignedPlanForecast>();
  readonly solved = new Map<string, Promise<SolvedPlan>>();
  voted: { attempt: number; snapshotHash: string; planHash: string } | undefined;
  status: PlanRoundStatus = 'collecting';

  /** Forecasts of a snapshot: one per gateway for this plan's start and length, sorted by gateway id. */
  forecastsFor(steps: number): SignedPlanForecast[] {
    return [...this.forecasts.values()].filter((f) => f.payload.steps === steps).sort((a, b) => (a.payload.gatewayId < b.payload.gatewayId ? -1 : 1));
  }
}
