// One MQTT connection to the block broker (mqtt.js, MQTT 5, QoS 1, persistent session), the part
// the market's and the plan's links share: connect and subscribe, count traffic, refuse topics
// outside the market, publish canonical JSON. What arrives on a market topic the subclass
// decodes into verified envelopes (market-link.ts, plan/plan-link.ts). Offline, mqtt.js queues
// publishes and sends them on reconnect; receivers judge their timing.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Logger } from '../log/logger.js';
import type { MarketConfig } from './config.js';
import { parseBounded } from './messages.js';
import { marketTopics, parseMarketTopic } from './topics.js';

export type MarketTopicOf = NonNullable<ReturnType<typeof parseMarketTopic>>;

/** What every link reports to its owner. */
export interface BrokerLinkHandlers {
  reject(reason: string, member: string | undefined): void;
  /** After every message and every (re)connect. */
  changed(): void;
}

export interface BrokerLinkShape {
  /** 'market' or 'plan': the start of its log lines. */
  name: string;
  clientId: string;
  /** Subscription filters, taken on every connect. */
  filters(topics: ReturnType<typeof marketTopics>): string[];
}

export abstract class BrokerLink<H extends BrokerLinkHandlers> {
  private client: MqttClient | undefined;
  readonly counters = { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 };
  protected readonly topics;

  constructor(
    protected readonly broker: MarketConfig['broker'],
    protected readonly gatewayId: string,
    protected readonly marketId: string,
    private readonly log: Logger,
    protected readonly handlers: H,
    private readonly shape: BrokerLinkShape,
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
      clientId: this.shape.clientId,
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
      client.subscribe(this.shape.filters(this.topics), { qos: 1 }, (err) => {
        if (err) this.log.warn({ err }, `${this.shape.name}: subscribe failed`);
      });
      this.handlers.changed();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ err: err.message }, `${this.shape.name}: broker error`));
  }

  /** Drops the connection at once (a cut cable); connect() resumes the same session. */
  async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  protected publishJson(topic: string, value: unknown, retain = false): void {
    const text = canonicalJson(value);
    this.counters.published++;
    this.counters.publishedBytes += Buffer.byteLength(text);
    this.client?.publish(topic, text, { qos: 1, retain }, (err) => {
      if (err) this.log.debug({ err: err.message, topic }, `${this.shape.name}: publish not confirmed`);
    });
  }

  /** A message on one of the market's topics; refusals go to handlers.reject. */
  protected abstract dispatch(t: MarketTopicOf, payload: Buffer): void;

  /** The operator's roster or price list, parsed JSON, to `deliver` still to be verified; refused when oversized or not JSON. */
  protected operatorMessage(payload: Buffer, deliver: (raw: unknown) => void): void {
    const raw = parseBounded(payload, this.broker.maxPayloadBytes);
    if (raw.ok) deliver(raw.value);
    else this.handlers.reject(raw.error.kind, 'operator');
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.counters.received++;
    this.counters.receivedBytes += payload.length;
    try {
      const t = parseMarketTopic(this.marketId, topic);
      if (!t) return this.handlers.reject('unknown-topic', undefined);
      this.dispatch(t, payload);
    } finally {
      this.handlers.changed();
    }
  }
}
