// The orders a gateway holds for the intervals still open: every gateway collects them, so
// whichever is coordinator when the gate closes can publish the book. Stateful checks on top of
// order-rules: the interval is open at this gateway's clock (± the tolerated skew), the same
// message twice is a replay, an order id reused with other content a duplicate, and a gateway's
// later sequence replaces its earlier one.
import { fail, ok, type Result } from '../../core/result.js';
import type { SignedOrder } from './messages.js';
import { checkOrder, gateClosureMs, type MemberIndex, type OrderRuleKind } from './order-rules.js';
import type { BlockPrices } from './prices.js';
import { intervalMsOf } from './roster.js';

export type IntakeKind = OrderRuleKind | 'late' | 'replay' | 'duplicate-order-id' | 'stale-sequence' | 'topic-mismatch';

/** How many intervals ahead of now an order may be for. */
const HORIZON_INTERVALS = 4;

export class OrderIntake {
  /** interval start → gateway → order */
  private readonly held = new Map<number, Map<string, SignedOrder>>();
  private readonly seenSignatures = new Map<number, Set<string>>();
  private readonly ids = new Map<number, Map<string, string>>();

  /** Checks and keeps an order received on `topicGateway`'s topic at local time `nowMs`. */
  offer(order: SignedOrder, topicGateway: string, nowMs: number, members: MemberIndex, prices: (intervalStartMs: number, block: string) => BlockPrices | undefined): Result<'held' | 'replaced', IntakeKind> {
    const roster = members.roster;
    const o = order.payload;
    if (o.gatewayId !== topicGateway) return fail('topic-mismatch', `order of ${o.gatewayId} on the topic of ${topicGateway}`);
    const startMs = Date.parse(o.intervalStart);
    const seen = this.seenSignatures.get(startMs);
    if (seen?.has(order.signature)) return fail('replay', `order ${o.orderId} received before`);
    const rules = checkOrder(order, members, (block) => prices(startMs, block));
    if (!rules.ok) return rules;
    const skew = roster.parameters.clockSkewMs;
    if (nowMs > gateClosureMs(roster, startMs) + skew) return fail('late', `interval ${o.intervalStart} closed at ${new Date(gateClosureMs(roster, startMs)).toISOString()}`);
    if (startMs > nowMs + HORIZON_INTERVALS * intervalMsOf(roster) + roster.parameters.gateClosureLeadMs) return fail('wrong-interval', `${o.intervalStart} is too far ahead`);
    if (Date.parse(o.expiresAt) < nowMs - skew) return fail('expired', `expired ${o.expiresAt}`);
    const ids = this.ids.get(startMs) ?? new Map<string, string>();
    const sameId = ids.get(o.orderId);
    if (sameId !== undefined && sameId !== order.signature) return fail('duplicate-order-id', `order id ${o.orderId} reused with other content`);
    const byGateway = this.held.get(startMs) ?? new Map<string, SignedOrder>();
    const prior = byGateway.get(o.gatewayId);
    if (prior && prior.payload.sequence >= o.sequence) return fail('stale-sequence', `sequence ${o.sequence} not above ${prior.payload.sequence}`);
    byGateway.set(o.gatewayId, order);
    ids.set(o.orderId, order.signature);
    this.held.set(startMs, byGateway);
    this.ids.set(startMs, ids);
    this.seenSignatures.set(startMs, (seen ?? new Set()).add(order.signature));
    return ok(prior ? 'replaced' : 'held');
  }

  /** The orders for an interval, sorted by order id (the snapshot's canonical order). */
  ordersFor(intervalStartMs: number): SignedOrder[] {
    return [...(this.held.get(intervalStartMs)?.values() ?? [])].sort((a, b) => (a.payload.orderId < b.payload.orderId ? -1 : a.payload.orderId > b.payload.orderId ? 1 : 0));
  }

  count(intervalStartMs: number): number {
    return this.held.get(intervalStartMs)?.size ?? 0;
  }

  /** Forgets intervals that started before `beforeMs`. */
  prune(beforeMs: number): void {
    for (const m of [this.held, this.seenSignatures, this.ids]) for (const k of [...m.keys()]) if (k < beforeMs) m.delete(k);
  }
}
