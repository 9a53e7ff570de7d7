// The market's MQTT connection (broker-link.ts: MQTT 5, QoS 1, persistent session, client id
// 'nabo-<gateway>'): subscribes to roster, prices, orders, snapshots and votes, and decodes what
// arrives into verified envelopes by topic kind (refusals are reported by reason and topic
// gateway).
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Logger } from '../log/logger.js';
import { BrokerLink, type BrokerLinkHandlers, type MarketTopicOf } from './broker-link.js';
import type { MarketConfig } from './config.js';
import { checkSignedText, decodeSignedText, parseBounded, orderPayloadSchema, ORDER_DOMAIN, SNAPSHOT_DOMAIN, snapshotPayloadSchema, type SignedOrder, type SnapshotPayload } from './messages.js';
import { isReferenced, isWant } from './snapshot-wire.js';

export interface LinkHandlers extends BrokerLinkHandlers {
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
}

export class MarketLink extends BrokerLink<LinkHandlers> {
  constructor(broker: MarketConfig['broker'], gatewayId: string, marketId: string, log: Logger, handlers: LinkHandlers) {
    super(broker, gatewayId, marketId, log, handlers, {
      name: 'market',
      clientId: `nabo-${gatewayId}`,
      filters: (t) => [t.roster, t.prices, t.all('order'), t.all('snapshot'), t.all('vote')],
    });
  }

  publish(topic: string, value: unknown, retain = false): void {
    this.publishJson(topic, value, retain);
  }

  protected dispatch(t: MarketTopicOf, payload: Buffer): void {
    const h = this.handlers;
    const kind = t.kind;
    if (kind === 'roster' || kind === 'prices') return this.operatorMessage(payload, (raw) => h.operator(kind, raw));
    const from = t.gatewayId!;
    const max = this.broker.maxPayloadBytes;
    if (kind === 'order') {
      const d = decodeSignedText(payload, max, ORDER_DOMAIN, orderPayloadSchema);
      return d.ok ? h.order(d.value.envelope, from, d.value.canonicalPayload) : h.reject(d.error.kind, from);
    }
    if (kind === 'snapshot') {
      const raw = parseBounded(payload, max);
      if (!raw.ok) return h.reject(raw.error.kind, from);
      if (isWant(raw.value)) return h.want(raw.value, from);
      if (isReferenced(raw.value)) return h.referencedSnapshot(raw.value, from);
      const d = checkSignedText(raw.value, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
      return d.ok ? h.snapshot(d.value.envelope, from, d.value.canonicalPayload) : h.reject(d.error.kind, from);
    }
    if (kind === 'vote') {
      const raw = parseBounded(payload, max);
      return raw.ok ? h.vote(raw.value, from) : h.reject(raw.error.kind, from);
    }
  }
}
