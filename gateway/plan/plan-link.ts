// The plan's own MQTT connection (market/broker-link.ts: MQTT 5, QoS 1, persistent session,
// client id '<gateway>-plan', the market's broker credentials). Forecasts, snapshots and votes
// all travel on nabo/v1/<market>/plan/<gateway> as `{ type, signed }`: the type is not signed,
// but each type verifies only in its own signature domain, so relabelling one as another fails.
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Logger } from '../log/logger.js';
import { BrokerLink, type BrokerLinkHandlers, type MarketTopicOf } from '../market/broker-link.js';
import type { MarketConfig } from '../market/config.js';
import { checkSigned, parseBounded, votePayloadSchema, type VotePayload } from '../market/messages.js';
import { PLAN_FORECAST_DOMAIN, PLAN_SNAPSHOT_DOMAIN, PLAN_VOTE_DOMAIN, planForecastPayloadSchema, planSnapshotPayloadSchema, type SignedPlanForecast, type SignedPlanSnapshot } from './plan-messages.js';

export type PlanMessageType = 'forecast' | 'snapshot' | 'vote';

export interface PlanLinkHandlers extends BrokerLinkHandlers {
  forecast(f: SignedPlanForecast, from: string): void;
  snapshot(s: SignedPlanSnapshot, from: string): void;
  vote(v: SignedEnvelope<VotePayload>, from: string): void;
  /** The operator's price list, parsed JSON, still to be verified. */
  prices(raw: unknown): void;
}

/** Decodes one plan message of untrusted origin; the error kind is the rejection reason. */
export function decodePlanMessage(payload: Uint8Array, maxBytes: number) {
  type Decoded = { type: 'forecast'; value: SignedPlanForecast } | { type: 'snapshot'; value: SignedPlanSnapshot } | { type: 'vote'; value: SignedEnvelope<VotePayload> };
  const failed = (kind: string, detail: string) => ({ ok: false as const, error: { kind, detail } });
  const parsed = parseBounded(payload, maxBytes);
  if (!parsed.ok) return failed(parsed.error.kind, parsed.error.detail);
  const raw = parsed.value;
  if (raw === null || typeof raw !== 'object' || !('type' in raw) || !('signed' in raw)) return failed('malformed', 'a plan message is { type, signed }');
  const { type, signed } = raw as { type: unknown; signed: unknown };
  const wrap = <T>(r: ReturnType<typeof checkSigned<T>>, t: PlanMessageType) => (r.ok ? { ok: true as const, value: { type: t, value: r.value } as Decoded } : failed(r.error.kind, r.error.detail));
  if (type === 'forecast') return wrap(checkSigned(signed, PLAN_FORECAST_DOMAIN, planForecastPayloadSchema), 'forecast');
  if (type === 'snapshot') return wrap(checkSigned(signed, PLAN_SNAPSHOT_DOMAIN, planSnapshotPayloadSchema), 'snapshot');
  if (type === 'vote') return wrap(checkSigned(signed, PLAN_VOTE_DOMAIN, votePayloadSchema), 'vote');
  return failed('malformed', `unknown plan message type ${JSON.stringify(type)}`);
}

export class PlanLink extends BrokerLink<PlanLinkHandlers> {
  constructor(broker: MarketConfig['broker'], gatewayId: string, marketId: string, log: Logger, handlers: PlanLinkHandlers) {
    super(broker, gatewayId, marketId, log, handlers, { name: 'plan', clientId: `${gatewayId}-plan`, filters: (t) => [t.prices, t.all('plan')] });
  }

  publish(type: PlanMessageType, signed: unknown): void {
    this.publishJson(this.topics.of('plan', this.gatewayId), { type, signed });
  }

  protected dispatch(t: MarketTopicOf, payload: Buffer): void {
    const h = this.handlers;
    if (t.kind === 'prices') return this.operatorMessage(payload, (raw) => h.prices(raw));
    if (t.kind !== 'plan') return;
    const from = t.gatewayId!;
    const d = decodePlanMessage(payload, this.broker.maxPayloadBytes);
    if (!d.ok) return h.reject(d.error.kind, from);
    const m = d.value;
    if (m.type === 'forecast') h.forecast(m.value, from);
    else if (m.type === 'snapshot') h.snapshot(m.value, from);
    else h.vote(m.value, from);
  }
}
