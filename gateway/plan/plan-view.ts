// What `ctx.status.plan` and `nabo plan show` say about one plan day: final or alone (or still
// collecting), the plan's hash, the votes held and the majority needed.
import { majorityOf, type Roster } from '../market/roster.js';
import type { PlanRound } from './plan-round.js';
import type { PlanRow } from './plan-store.js';

export interface PlanView {
  planStart: string;
  status: 'collecting' | 'final' | 'alone';
  reason: string | null;
  planHash: string | null;
  attempt: number | null;
  votes: number;
  majority: number | null;
}

export function planView(planStartMs: number, round: PlanRound | undefined, row: PlanRow | undefined, roster: Roster | undefined): PlanView | undefined {
  if (!round && !row) return undefined;
  const counts = round?.tally.counts() ?? [];
  return {
    planStart: new Date(planStartMs).toISOString(),
    status: row?.status ?? round?.status ?? 'collecting',
    reason: row?.reason ?? round?.reason ?? null,
    planHash: row?.planHash ?? null,
    attempt: row?.certificate?.attempt ?? null,
    votes: row?.certificate?.votes.length ?? counts.reduce((s, c) => Math.max(s, c.votes), 0),
    majority: roster ? majorityOf(roster) : null,
  };
}
