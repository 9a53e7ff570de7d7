// The `uplink` section of the gateway config (config version 2): the operator's broker, how
// records are windowed and acknowledged, and IOTA anchoring. Secrets never live in the file:
// they come from the environment variables named here.
import { z } from 'zod';

const ms = z.number().int().positive('must be a positive number of milliseconds');

export const anchorConfigSchema = z.strictObject({
  /** Anchor batches at all; off means records carry no inclusion proof. */
  enabled: z.boolean().default(true),
  /** IOTA JSON-RPC node, e.g. https://api.mainnet.iota.cafe; unset: batches are built and wait. */
  nodeUrl: z.string().url('must be an http(s) URL of an IOTA JSON-RPC node').optional(),
  /** Object id (0x…64 hex) of the published anchor Move package (deploy/iota/). */
  packageId: z.string().regex(/^0x[0-9a-f]{1,64}$/, 'must be 0x followed by hex digits').optional(),
  /** Records per Merkle root are those enqueued in one period (default one hour). */
  batchPeriodMs: ms.default(3_600_000),
  /** Gas budget of one anchor transaction, in nanos; unset, a dry run on the node sets it. */
  gasBudget: z.number().int().positive().optional(),
  /** Wait before retrying a submission that failed (the node unreachable, a dry run refused). */
  retryMs: ms.default(60_000),
});

export const uplinkConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The operator's broker: mqtts://operator.example:8883 (mqtt:// only for tests on loopback). */
  brokerUrl: z.string().regex(/^(mqtts?|wss?):\/\/.+/, 'must be an MQTT URL such as mqtts://operator.example:8883'),
  /** The market (district) id of the topic layout nabo/v1/<market>/uplink/<gateway>/…. */
  marketId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  tls: z
    .strictObject({
      /** PEM file of the CA that signed the operator's broker certificate. */
      caFile: z.string().min(1).optional(),
      /** PEM client certificate and key, when the broker authenticates gateways by certificate. */
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
      /** Only for a test broker without a name in its certificate. */
      rejectUnauthorized: z.boolean().default(true),
    })
    .default({ rejectUnauthorized: true }),
  /** MQTT username; by default the gateway id (the broker's ACL is per gateway). */
  username: z.string().min(1).optional(),
  /** Name of the environment variable holding the MQTT password. */
  passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('NABO_UPLINK_PASSWORD'),
  /** Records published and not yet acknowledged by the operator, at most. */
  window: z.number().int().min(1).max(10_000).default(256),
  /** A record not acknowledged in this time is sent again. */
  ackTimeoutMs: ms.default(30_000),
  /** Reconnect back-off: first wait, longest wait (full jitter in between). */
  reconnectMinMs: ms.default(1_000),
  reconnectMaxMs: ms.default(120_000),
  anchor: anchorConfigSchema.default({ enabled: true, batchPeriodMs: 3_600_000, retryMs: 60_000 }),
});

export type UplinkConfig = z.output<typeof uplinkConfigSchema>;
export type UplinkConfigInput = z.input<typeof uplinkConfigSchema>;
export type AnchorConfig = z.output<typeof anchorConfigSchema>;
