// The checks every day-ahead forecast must pass, on receipt and again inside a snapshot: a
// member (not revoked) signed it for itself, for this market, on the roster's interval grid,
// and its quantities are within the roster's bounds (no absurd energy, a consistent battery).
import { fail, ok, type Result } from '../../core/result.js';
import type { MemberIndex } from '../market/order-rules.js';
import { intervalMsOf, type RosterMember } from '../market/roster.js';
import type { SignedPlanForecast } from './plan-messages.js';

export type ForecastRuleKind = 'non-member' | 'revoked-key' | 'wrong-market' | 'wrong-plan' | 'invalid-quantity';

export function checkForecast(forecast: SignedPlanForecast, members: MemberIndex): Result<RosterMember, ForecastRuleKind> {
  const roster = members.roster;
  const f = forecast.payload;
  const member = members.member(forecast.signer);
  if (!member.ok) return member;
  if (member.value.gatewayId !== f.gatewayId) return fail('non-member', `signed by ${member.value.gatewayId} for ${f.gatewayId}`);
  if (f.marketId !== roster.marketId) return fail('wrong-market', `forecast for market ${f.marketId}`);
  const intervalMs = intervalMsOf(roster);
  if (f.intervalMinutes !== roster.parameters.intervalMinutes) return fail('wrong-plan', `${f.intervalMinutes}-minute intervals, the market has ${roster.parameters.intervalMinutes}`);
  if (Date.parse(f.planStart) % intervalMs !== 0) return fail('wrong-plan', `${f.planStart} is not the start of an interval`);
  if (f.consumptionWh.length !== f.steps || f.pvWh.length !== f.steps) return fail('invalid-quantity', `${f.consumptionWh.length} consumption and ${f.pvWh.length} PV values for ${f.steps} steps`);
  const max = roster.parameters.maxStepEnergyWh;
  for (const [name, xs] of [['consumptionWh', f.consumptionWh], ['pvWh', f.pvWh]] as const) {
    const i = xs.findIndex((x) => x > max);
    if (i >= 0) return fail('invalid-quantity', `${name}[${i}] ${xs[i]} above ${max}`);
  }
  const b = f.battery;
  if (b) {
    if (!(b.minSocWh <= b.socWh && b.socWh <= b.maxSocWh && b.maxSocWh <= b.capacityWh)) return fail('invalid-quantity', 'battery: needs minSocWh ≤ socWh ≤ maxSocWh ≤ capacityWh');
    const perIntervalWh = (w: number): number => (w * intervalMs) / 3_600_000;
    if (perIntervalWh(b.maxChargeW) > max || perIntervalWh(b.maxDischargeW) > max || b.capacityWh > 1000 * max) return fail('invalid-quantity', 'battery: power or capacity above the roster bound');
  }
  return member;
}
