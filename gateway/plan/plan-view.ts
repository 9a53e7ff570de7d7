// What `ctx.status.plan` and `nabo plan show` say about one plan day: final or alone (or still
// collecting), the plan's hash, the votes held and the majority needed.
import type { RejectionCounter } from '../market/rejections.js';
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

/** The battery power (W, > 0 discharging) of a gateway or building at `atMs` in the latest plan covering it. */
export function plannedBatteryWIn(plans: Iterable<PlanRow>, gatewayOrBuilding: string, atMs: number): number | undefined {
  let best: PlanRow | undefined;
  for (const row of plans) {
    const intervalMs = row.plan.intervalMinutes * 60_000;
    if (atMs < row.planStartMs || atMs >= row.planStartMs + row.plan.steps * intervalMs) continue;
    if (!best || row.planStartMs > best.planStartMs) best = row;
  }
  if (!best) return undefined;
  const intervalMs = best.plan.intervalMinutes * 60_000;
  const b = best.plan.buildings.find((x) => x.gatewayId === gatewayOrBuilding || x.buildingId === gatewayOrBuilding);
  const wh = b?.batteryWh?.[Math.floor((atMs - best.planStartMs) / intervalMs)];
  return wh === undefined ? undefined : (wh * 3_600_000) / intervalMs;
}

/** What the service shows under ctx.status.plan: the plan covering today and the next one. */
export function planStatus(o: { gatewayId: string; connected: boolean; roster: Roster | undefined; view: (planStartMs: number) => PlanView | undefined; days: { current: number; next: number }; rejections: RejectionCounter; counters: Record<string, number> }): Record<string, unknown> {
  return {
    enabled: true,
    gatewayId: o.gatewayId,
    connected: o.connected,
    rosterVersion: o.roster?.version ?? null,
    majority: o.roster ? majorityOf(o.roster) : null,
    current: o.view(o.days.current) ?? null,
    next: o.view(o.days.next) ?? null,
    rejections: o.rejections.snapshot(),
    counters: o.counters,
  };
}
