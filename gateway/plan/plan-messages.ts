// The day-ahead plan's messages (docs/market-protocol.md, "The day-ahead plan"): a gateway's
// signed forecast for the next day, the coordinator's signed snapshot of the forecasts it holds,
// and a vote on the plan's hash. Each has its own signature domain, so nothing signed for the
// interval market passes as a plan message or the other way round. Votes reuse the market's
// vote payload (intervalStart = the plan's first interval) and its VoteTally.
import { z } from 'zod';
import { signEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';
import type { VotePayload } from '../market/messages.js';

export const PLAN_FORECAST_DOMAIN = 'plan-forecast';
export const PLAN_SNAPSHOT_DOMAIN = 'plan-snapshot';
export const PLAN_VOTE_DOMAIN = 'plan-vote';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const isoUtc = z.iso.datetime({ offset: false });
const wh = z.number().int().min(0).max(1e12);

export const planBatterySchema = z.strictObject({
  capacityWh: wh,
  /** The state-of-charge window the plan may use, Wh. */
  minSocWh: wh,
  maxSocWh: wh,
  /** State of charge when the forecast was made; the plan starts from it. */
  socWh: wh,
  maxChargeW: wh,
  maxDischargeW: wh,
  chargeEfficiency: z.number().gt(0).max(1),
  dischargeEfficiency: z.number().gt(0).max(1),
});

export const planForecastPayloadSchema = z.strictObject({
  marketId: id,
  /** Start of the plan's first interval (a local midnight), ISO UTC. */
  planStart: isoUtc,
  gatewayId: id,
  intervalMinutes: z.number().int().min(1).max(1440),
  steps: z.number().int().min(1).max(400),
  /** When it was made; a later forecast of the same gateway replaces an earlier one until the snapshot. */
  issuedAt: isoUtc,
  /** Forecast consumption and PV per interval, Wh. */
  consumptionWh: z.array(wh).max(400),
  pvWh: z.array(wh).max(400),
  battery: planBatterySchema.nullable(),
});

export type PlanForecastPayload = z.output<typeof planForecastPayloadSchema>;
export type PlanBattery = z.output<typeof planBatterySchema>;
export type SignedPlanForecast = SignedEnvelope<PlanForecastPayload>;

export const planSnapshotPayloadSchema = z.strictObject({
  marketId: id,
  planStart: isoUtc,
  steps: z.number().int().min(1).max(400),
  rosterVersion: z.number().int().min(1),
  /** Which coordinator in turn (0 = the plan's first). */
  attempt: z.number().int().min(0).max(64),
  coordinator: id,
  /** The signed forecasts it holds, one per gateway, sorted by gateway id; verified again by every gateway. */
  forecasts: z.array(z.unknown()).max(10_000),
  /** The operator's signed price list used, or null for the roster's prices. */
  prices: z.unknown().nullable(),
});

export type PlanSnapshotPayload = z.output<typeof planSnapshotPayloadSchema>;
export type SignedPlanSnapshot = SignedEnvelope<PlanSnapshotPayload>;

export function signPlanForecast(payload: PlanForecastPayload, seed: Uint8Array): SignedPlanForecast {
  return signEnvelope(PLAN_FORECAST_DOMAIN, payload, seed);
}

export function signPlanSnapshot(payload: PlanSnapshotPayload, seed: Uint8Array): SignedPlanSnapshot {
  return signEnvelope(PLAN_SNAPSHOT_DOMAIN, payload, seed);
}

export function signPlanVote(vote: VotePayload, seed: Uint8Array): SignedEnvelope<VotePayload> {
  return signEnvelope(PLAN_VOTE_DOMAIN, vote, seed);
}
