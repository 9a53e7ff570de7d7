// The plan's own MQTT connection (mqtt.js, MQTT 5, QoS 1, persistent session, client id
// '<gateway>-plan', the market's broker credentials). Forecasts, snapshots and votes all travel
// on nabo/v1/<market>/plan/<gateway> as `{ type, signed }`: the type is not signed, but each
// type verifies only in its own signature domain, so relabelling one as another fails.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../core/canonical-json.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Logger } from '../log/logger.js';
import type { MarketConfig } from '../market/config.js';
import { checkSigned, votePayloadSchema, type VotePayload } from '../market/messages.js';
import { marketTopics, parseMarketTopic } from '../market/topics.js';
import { PLAN_FORECAST_DOMAIN, PLAN_SNAPSHOT_DOMAIN, PLAN_VOTE_DOMAIN, planForecastPayloadSchema, planSnapshotPayloadSchema, type SignedPlanForecast, type SignedPlanSnapshot } from './plan-messages.js';

export type PlanMessageType = 'forecast' | 'snapshot' | 'vote';

export interface PlanLinkHandlers {
  forecast(f: SignedPlanForecast, from: string): void;
  snapshot(s: SignedPlanSnapshot, from: string): void;
  vote(v: SignedEnvelope<VotePayload>, from: string): void;
  /** The operator's price list, parsed JSON, still to be verified. */
  prices(raw: unknown): void;
  reject(reason: string, member: string | undefined): void;
  /** After every message and every (re)connect. */
  changed(): void;
}

/** Decodes one plan message of untrusted origin; the error kind is the rejection reason. */
export function decodePlanMessage(payload: Uint8Array, maxBytes: number) {
  type Decoded = { type: 'forecast'; value: SignedPlanForecast } | { type: 'snapshot'; value: SignedPlanSnapshot } | { type: 'vote'; value: SignedEnvelope<VotePayload> };
  const failed = (kind: string, detail: string) => ({ ok: false as const, error: { kind, detail } });
  if (payload.length > maxBytes) return failed('oversized', `${payload.length} bytes, limit ${maxBytes}`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  } catch (err) {
    return failed('invalid-json', (err as Error).message);
  }
  if (raw === null || typeof raw !== 'object' || !('type' in raw) || !('signed' in raw)) return failed('malformed', 'a plan message is { type, signed }');
  const { type, signed } = raw as { type: unknown; signed: unknown };
  const wrap = <T>(r: ReturnType<typeof checkSigned<T>>, t: PlanMessageType) => (r.ok ? { ok: true as const, value: { type: t, value: r.value } as Decoded } : failed(r.error.kind, r.error.detail));
  if (type === 'forecast') return wrap(checkSigned(signed, PLAN_FORECAST_DOMAIN, planForecastPayloadSchema), 'forecast');
  if (type === 'snapshot') return wrap(checkSigned(signed, PLAN_SNAPSHOT_DOMAIN, planSnapshotPayloadSchema), 'snapshot');
  if (type === 'vote') return wrap(checkSigned(signed, PLAN_VOTE_DOMAIN, votePayloadSchema), 'vote');
  return failed('malformed', `unknown plan message type ${JSON.stringify(type)}`);
}

export class PlanLink {
  private client: MqttClient | undefined;
  readonly counters = { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 };
  private readonly topics;

  constructor(
    private readonly broker: MarketConfig['broker'],
    private readonly gatewayId: string,
    private readonly marketId: string,
    private readonly log: Logger,
    private readonly handlers: PlanLinkHandlers,
  ) {
    this.topics = marketTopics(marketId);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  connect(): void {
    if (this.client) return;
    const b = this.broker;
    const opts: IClientOptions = {
      protocolVersion: 5,
      // mqtt-packet's default pre-allocates 65 536 Buffers for packet ids (~8 MB of a 100 MB budget; bench:gateway).
      writeCache: false,
      clientId: `${this.gatewayId}-plan`,
      clean: false,
      reconnectPeriod: 500,
      connectTimeout: 5000,
      properties: { sessionExpiryInterval: b.sessionExpirySeconds, maximumPacketSize: 2 * b.maxPayloadBytes + 4096 },
      username: b.username ?? this.gatewayId,
      ...(b.password !== undefined ? { password: b.password } : {}),
      ...(b.caFile ? { ca: readFileSync(b.caFile) } : {}),
    };
    const client = connect(b.url, opts);
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      client.subscribe([this.topics.prices, this.topics.all('plan')], { qos: 1 }, (err) => {
        if (err) this.log.warn({ err }, 'plan: subscribe failed');
      });
      this.handlers.changed();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'plan: broker error'));
  }

  /** Drops the connection at once (a cut cable); connect() resumes the same session. */
  async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  publish(type: PlanMessageType, signed: unknown): void {
    const text = canonicalJson({ type, signed });
    this.counters.published++;
    this.counters.publishedBytes += Buffer.byteLength(text);
    this.client?.publish(this.topics.of('plan', this.gatewayId), text, { qos: 1 }, (err) => {
      if (err) this.log.debug({ err: err.message }, 'plan: publish not confirmed');
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.counters.received++;
    this.counters.receivedBytes += payload.length;
    const h = this.handlers;
    try {
      const t = parseMarketTopic(this.marketId, topic);
      if (!t) return h.reject('unknown-topic', undefined);
      if (t.kind === 'prices') {
        if (payload.length > this.broker.maxPayloadBytes) return h.reject('oversized', 'operator');
        try {
          return h.prices(JSON.parse(payload.toString('utf8')) as unknown);
        } catch {
          return h.reject('invalid-json', 'operator');
        }
      }
      if (t.kind !== 'plan') return;
      const from = t.gatewayId!;
      const d = decodePlanMessage(payload, this.broker.maxPayloadBytes);
      if (!d.ok) return h.reject(d.error.kind, from);
      const m = d.value;
      if (m.type === 'forecast') h.forecast(m.value, from);
      else if (m.type === 'snapshot') h.snapshot(m.value, from);
      else h.vote(m.value, from);
    } finally {
      h.changed();
    }
  }
}
