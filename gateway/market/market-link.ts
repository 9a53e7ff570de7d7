// The market's MQTT connection (mqtt.js, MQTT 5, QoS 1, persistent session): subscribes to the
// market's topics, decodes what arrives into verified envelopes by topic kind (refusals are
// reported by reason and topic gateway), and publishes canonical JSON. Offline, mqtt.js queues
// publishes and sends them on reconnect; receivers judge their timing.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../core/canonical-json.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Logger } from '../log/logger.js';
import type { MarketConfig } from './config.js';
import { checkSignedText, decodeSignedText, parseBounded, orderPayloadSchema, ORDER_DOMAIN, SNAPSHOT_DOMAIN, snapshotPayloadSchema, type SignedOrder, type SnapshotPayload } from './messages.js';
import { isReferenced, isWant } from './snapshot-wire.js';
import { marketTopics, parseMarketTopic } from './topics.js';

export interface LinkHandlers {
  /** `canonicalPayload`: the payload's canonical JSON, already encoded to check the signature. */
  order(order: SignedOrder, from: string, canonicalPayload: string): void;
  /** `canonicalPayload`: the payload's canonical JSON, already encoded to check the signature. */
  snapshot(snapshot: SignedEnvelope<SnapshotPayload>, from: string, canonicalPayload: string): void;
  /** A snapshot naming its orders by signature (snapshot-wire.ts), parsed, nothing checked yet. */
  referencedSnapshot(raw: unknown, from: string): void;
  /** A gateway's request for a snapshot's full form, parsed, nothing checked yet. */
  want(raw: unknown, from: string): void;
  /** A vote, parsed; its signature is checked by the consensus, when it matters (market-consensus.ts). */
  vote(raw: unknown, from: string): void;
  /** Roster or price list, parsed JSON, still to be verified. */
  operator(kind: 'roster' | 'prices', raw: unknown): void;
  reject(reason: string, member: string | undefined): void;
  /** After every message and every (re)connect. */
  changed(): void;
}

export class MarketLink {
  private client: MqttClient | undefined;
  readonly counters = { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 };
  private readonly topics;

  constructor(
    private readonly broker: MarketConfig['broker'],
    private readonly gatewayId: string,
    private readonly marketId: string,
    private readonly log: Logger,
    private readonly handlers: LinkHandlers,
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
      clientId: `nabo-${this.gatewayId}`,
      clean: false,
      reconnectPeriod: 500,
      connectTimeout: 5000,
      // The broker may deliver up to twice our limit, so we see and count an oversized message
      // rather than losing it silently; anything larger the broker drops for us.
      properties: { sessionExpiryInterval: b.sessionExpirySeconds, maximumPacketSize: 2 * b.maxPayloadBytes + 4096 },
      username: b.username ?? this.gatewayId,
      ...(b.password !== undefined ? { password: b.password } : {}),
      ...(b.caFile ? { ca: readFileSync(b.caFile) } : {}),
    };
    const client = connect(b.url, opts);
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      // Subscribe on every connect, even with a session present: a first connect that timed out
      // may have left a session on the broker without our subscriptions in it.
      const filters = [this.topics.roster, this.topics.prices, this.topics.all('order'), this.topics.all('snapshot'), this.topics.all('vote')];
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) this.log.warn({ err }, 'market: subscribe failed');
      });
      this.handlers.changed();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'market: broker error'));
  }

  /** Drops the connection at once (a cut cable); connect() resumes the same session. */
  async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  publish(topic: string, value: unknown, retain = false): void {
    const text = canonicalJson(value);
    this.counters.published++;
    this.counters.publishedBytes += Buffer.byteLength(text);
    this.client?.publish(topic, text, { qos: 1, retain }, (err) => {
      if (err) this.log.debug({ err: err.message, topic }, 'market: publish not confirmed');
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.counters.received++;
    this.counters.receivedBytes += payload.length;
    const h = this.handlers;
    try {
      const t = parseMarketTopic(this.marketId, topic);
      if (!t) return h.reject('unknown-topic', undefined);
      const max = this.broker.maxPayloadBytes;
      if (t.kind === 'roster' || t.kind === 'prices') {
        if (payload.length > max) return h.reject('oversized', 'operator');
        let raw: unknown;
        try {
          raw = JSON.parse(payload.toString('utf8'));
        } catch {
          return h.reject('invalid-json', 'operator');
        }
        return h.operator(t.kind, raw);
      }
      const from = t.gatewayId!;
      if (t.kind === 'order') {
        const d = decodeSignedText(payload, max, ORDER_DOMAIN, orderPayloadSchema);
        return d.ok ? h.order(d.value.envelope, from, d.value.canonicalPayload) : h.reject(d.error.kind, from);
      }
      if (t.kind === 'snapshot') {
        const raw = parseBounded(payload, max);
        if (!raw.ok) return h.reject(raw.error.kind, from);
        if (isWant(raw.value)) return h.want(raw.value, from);
        if (isReferenced(raw.value)) return h.referencedSnapshot(raw.value, from);
        const d = checkSignedText(raw.value, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
        return d.ok ? h.snapshot(d.value.envelope, from, d.value.canonicalPayload) : h.reject(d.error.kind, from);
      }
      if (t.kind === 'vote') {
        const raw = parseBounded(payload, max);
        return raw.ok ? h.vote(raw.value, from) : h.reject(raw.error.kind, from);
      }
    } finally {
      h.changed();
    }
  }
}
