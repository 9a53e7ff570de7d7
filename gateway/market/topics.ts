// The block broker's topic layout (agreed with uplink and deploy): everything under
// nabo/v1/<market>/; a gateway publishes only under its own <gateway> segments, and only the
// operator publishes the roster and prices. The Mosquitto ACL (mosquitto-acl.ts) enforces it.

export const TOPIC_ROOT = 'nabo/v1';

export type GatewayTopicKind = 'order' | 'snapshot' | 'vote' | 'plan' | 'alarm';
export const GATEWAY_TOPIC_KINDS: readonly GatewayTopicKind[] = ['order', 'snapshot', 'vote', 'plan', 'alarm'];

export function marketTopics(marketId: string) {
  const base = `${TOPIC_ROOT}/${marketId}`;
  return {
    base,
    roster: `${base}/roster`,
    prices: `${base}/prices`,
    of: (kind: GatewayTopicKind, gatewayId: string): string => `${base}/${kind}/${gatewayId}`,
    /** Subscription filter for one kind from every gateway. */
    all: (kind: GatewayTopicKind): string => `${base}/${kind}/+`,
    uplinkRecords: (gatewayId: string): string => `${base}/uplink/${gatewayId}/records`,
    uplinkAck: (gatewayId: string): string => `${base}/uplink/${gatewayId}/ack`,
  };
}

/** Splits a received topic into its kind and gateway segment; undefined for anything else. */
export function parseMarketTopic(marketId: string, topic: string): { kind: GatewayTopicKind | 'roster' | 'prices'; gatewayId?: string } | undefined {
  const prefix = `${TOPIC_ROOT}/${marketId}/`;
  if (!topic.startsWith(prefix)) return undefined;
  const rest = topic.slice(prefix.length).split('/');
  if (rest.length === 1 && (rest[0] === 'roster' || rest[0] === 'prices')) return { kind: rest[0] };
  if (rest.length === 2 && (GATEWAY_TOPIC_KINDS as readonly string[]).includes(rest[0]!) && rest[1]!.length > 0) return { kind: rest[0] as GatewayTopicKind, gatewayId: rest[1]! };
  return undefined;
}
