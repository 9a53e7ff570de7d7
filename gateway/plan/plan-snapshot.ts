// The plan's snapshot: the forecasts the plan day's coordinator holds at the collection deadline,
// signed, so that every gateway solves the community schedule on the same inputs. Every gateway
// verifies it (coordinator in turn, roster version, every forecast again, prices from the
// operator) before solving; the inputs follow from the snapshot and the roster alone, so a
// stored snapshot replays to the same plan hash.
import { hashOf } from '../../core/hash.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import { checkSigned } from '../market/messages.js';
import { MemberIndex } from '../market/order-rules.js';
import { verifyPriceList, type PriceList } from '../market/prices.js';
import { activeMembers, type Roster, type RosterMember } from '../market/roster.js';
import { PLAN_FORECAST_DOMAIN, planForecastPayloadSchema, type PlanForecastPayload, type PlanSnapshotPayload, type SignedPlanForecast } from './plan-messages.js';
import { checkForecast } from './plan-rules.js';
import { solveCommunityPlan, type PlanSolve, type SolvedPlan } from './plan-schedule.js';

export type PlanSnapshotKind = 'wrong-market' | 'roster-version' | 'not-coordinator' | 'bad-forecast' | 'unsorted-forecasts' | 'bad-prices';

export interface VerifiedPlanSnapshot {
  envelope: SignedEnvelope<PlanSnapshotPayload>;
  hash: string;
  planStartMs: number;
  attempt: number;
  forecasts: SignedPlanForecast[];
  inputs: Array<{ forecast: PlanForecastPayload; member: RosterMember }>;
  prices: PriceList | null;
}

const DAY_MS = 86_400_000;

/**
 * The coordinator of a plan's attempt: active members in gateway-id order, starting at the
 * plan's day number and moving one on per attempt, so the duty rotates day by day.
 */
export function planCoordinatorFor(roster: Roster, planStartMs: number, attempt: number): RosterMember | undefined {
  const members = activeMembers(roster);
  if (members.length === 0) return undefined;
  const n = members.length;
  return members[(((Math.floor(planStartMs / DAY_MS) + attempt) % n) + n) % n];
}

export function planSnapshotHash(envelope: SignedEnvelope<PlanSnapshotPayload>): string {
  return hashOf(envelope.payload);
}

export function verifyPlanSnapshot(envelope: SignedEnvelope<PlanSnapshotPayload>, roster: Roster, members: MemberIndex = new MemberIndex(roster)): Result<VerifiedPlanSnapshot, PlanSnapshotKind> {
  const s = envelope.payload;
  if (s.marketId !== roster.marketId) return fail('wrong-market', `snapshot for market ${s.marketId}`);
  if (s.rosterVersion !== roster.version) return fail('roster-version', `made with roster version ${s.rosterVersion}, this gateway holds ${roster.version}`);
  const planStartMs = Date.parse(s.planStart);
  const expected = planCoordinatorFor(roster, planStartMs, s.attempt);
  if (!expected || expected.gatewayId !== s.coordinator || expected.publicKey !== envelope.signer) return fail('not-coordinator', `attempt ${s.attempt} of the plan ${s.planStart} belongs to ${expected?.gatewayId ?? 'nobody'}`);
  let prices: PriceList | null = null;
  if (s.prices !== null) {
    const v = verifyPriceList(s.prices, roster);
    if (!v.ok) return fail('bad-prices', `embedded price list: ${v.error.kind}: ${v.error.detail}`);
    prices = v.value.payload;
  }
  const forecasts: SignedPlanForecast[] = [];
  const inputs: VerifiedPlanSnapshot['inputs'] = [];
  let previous = '';
  for (const [i, raw] of s.forecasts.entries()) {
    const f = checkSigned(raw, PLAN_FORECAST_DOMAIN, planForecastPayloadSchema);
    if (!f.ok) return fail('bad-forecast', `forecasts[${i}]: ${f.error.kind}: ${f.error.detail}`);
    const member = checkForecast(f.value, members);
    if (!member.ok) return fail('bad-forecast', `forecasts[${i}]: ${member.error.kind}: ${member.error.detail}`);
    const p = f.value.payload;
    if (p.planStart !== s.planStart || p.steps !== s.steps) return fail('bad-forecast', `forecasts[${i}]: for ${p.planStart} × ${p.steps}, not ${s.planStart} × ${s.steps}`);
    // Sorted and strictly increasing: one forecast per gateway, in one order for everyone.
    if (p.gatewayId <= previous) return fail('unsorted-forecasts', `forecasts[${i}]: ${p.gatewayId} not after ${previous}`);
    previous = p.gatewayId;
    forecasts.push(f.value);
    inputs.push({ forecast: p, member: member.value });
  }
  return ok({ envelope, hash: planSnapshotHash(envelope), planStartMs, attempt: s.attempt, forecasts, inputs, prices });
}

/** Solves a verified snapshot's community plan: the hash every gateway votes on. */
export function solveSnapshot(snapshot: VerifiedPlanSnapshot, roster: Roster, solve?: PlanSolve): Promise<SolvedPlan> {
  return solveCommunityPlan({ roster, planStartMs: snapshot.planStartMs, steps: snapshot.envelope.payload.steps, forecasts: snapshot.inputs, prices: snapshot.prices, snapshotHash: snapshot.hash }, solve);
}
