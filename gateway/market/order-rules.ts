// The stateless checks every order must pass, at intake and again inside a snapshot: a member
// (not revoked) signed it for itself, for this market and an aligned interval, it has not
// expired by gate closure, and its quantities and limit prices are within the roster's bounds.
import { fail, ok, type Result } from '../../core/result.js';
import { orderIdFor, type SignedOrder } from './messages.js';
import { priceBounds } from './order-builder.js';
import type { BlockPrices } from './prices.js';
import { intervalMsOf, type Roster, type RosterMember } from './roster.js';

export type OrderRuleKind = 'non-member' | 'revoked-key' | 'wrong-market' | 'wrong-interval' | 'expired' | 'invalid-quantity' | 'price-out-of-bounds' | 'invalid-payload';

export function gateClosureMs(roster: Roster, intervalStartMs: number): number {
  return intervalStartMs - roster.parameters.gateClosureLeadMs;
}

/** Indexes a roster's members by public key once per roster. */
export class MemberIndex {
  private readonly byKey: Map<string, RosterMember>;
  private readonly revoked: Set<string>;

  constructor(readonly roster: Roster) {
    this.byKey = new Map(roster.members.map((m) => [m.publicKey, m]));
    this.revoked = new Set(roster.revokedKeys);
  }

  member(publicKey: string): Result<RosterMember, 'non-member' | 'revoked-key'> {
    if (this.revoked.has(publicKey)) return fail('revoked-key', `key ${publicKey.slice(0, 12)}… was revoked`);
    const m = this.byKey.get(publicKey);
    return m ? ok(m) : fail('non-member', `key ${publicKey.slice(0, 12)}… is not in roster version ${this.roster.version}`);
  }

  byGateway(gatewayId: string): RosterMember | undefined {
    return this.roster.members.find((m) => m.gatewayId === gatewayId && !this.revoked.has(m.publicKey));
  }
}

export function checkOrder(order: SignedOrder, members: MemberIndex, pricesOfBlock: (block: string) => BlockPrices | undefined): Result<RosterMember, OrderRuleKind> {
  const roster = members.roster;
  const o = order.payload;
  const member = members.member(order.signer);
  if (!member.ok) return member;
  if (member.value.gatewayId !== o.gatewayId) return fail('non-member', `signed by ${member.value.gatewayId} for ${o.gatewayId}`);
  if (o.marketId !== roster.marketId) return fail('wrong-market', `order for market ${o.marketId}`);
  const intervalMs = intervalMsOf(roster);
  const startMs = Date.parse(o.intervalStart);
  if (startMs % intervalMs !== 0) return fail('wrong-interval', `${o.intervalStart} is not the start of a ${roster.parameters.intervalMinutes}-minute interval`);
  if (o.orderId !== orderIdFor(o.gatewayId, startMs, intervalMs, o.sequence)) return fail('invalid-payload', `order id ${o.orderId} does not follow <gateway>-<interval index>-<sequence>`);
  if (Date.parse(o.expiresAt) < gateClosureMs(roster, startMs)) return fail('expired', `expires ${o.expiresAt}, before gate closure`);
  const prices = pricesOfBlock(member.value.block);
  if (!prices) return fail('non-member', `no prices for block ${member.value.block}`);
  const { floorMinorPerKWh, ceilingMinorPerKWh } = priceBounds(prices);
  for (const [side, steps] of [['bid', o.bid], ['offer', o.offer]] as const) {
    if (!steps) continue;
    if (steps.length > roster.parameters.maxStepsPerOrder) return fail('invalid-quantity', `${side}: ${steps.length} steps, at most ${roster.parameters.maxStepsPerOrder}`);
    for (const [i, s] of steps.entries()) {
      if (s.energyWh > roster.parameters.maxStepEnergyWh) return fail('invalid-quantity', `${side}[${i}].energyWh ${s.energyWh} above ${roster.parameters.maxStepEnergyWh}`);
      if (s.priceMinorPerKWh < floorMinorPerKWh || s.priceMinorPerKWh > ceilingMinorPerKWh) return fail('price-out-of-bounds', `${side}[${i}] at ${s.priceMinorPerKWh}, outside feed-in ${floorMinorPerKWh} .. retail + tariff ${ceilingMinorPerKWh}`);
    }
  }
  return member;
}
