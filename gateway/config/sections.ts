// Config version 2's optional sections: the block market, the uplink to the market operator,
// and the HTTP API. Each may be absent: a gateway without `market` reads and stores only. The
// solver backend and price rule are not here: they come from the signed roster, so every
// gateway of a market uses the same.
import { z } from 'zod';

const mqttUrl = z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+/, 'must be an MQTT URL such as mqtts://broker.local:8883');
const fileName = z.string().min(1, 'must name a file');

/** An MQTT broker and how to authenticate to it; passwords may come from the environment. */
export const brokerSchema = z.strictObject({
  url: mqttUrl,
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  clientId: z.string().min(1).optional(),
  /** CA certificate (PEM) that signed the broker's certificate. */
  caFile: fileName.optional(),
  /** Client certificate and key (PEM), when the broker authenticates clients by certificate. */
  certFile: fileName.optional(),
  keyFile: fileName.optional(),
});

export const marketSectionSchema = z.strictObject({
  /** false keeps the section (and its broker) but takes no part in the market. */
  enabled: z.boolean().default(true),
  /** The block this building belongs to; checked against the roster. */
  blockId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, _ and -').optional(),
  /** The operator-signed roster (file name inside dataDir, or an absolute path). */
  rosterFile: fileName.default('roster.json'),
  /** This gateway's Ed25519 identity (`nabo keys init`). */
  keyFile: fileName.default('identity.key'),
  /** The block broker (Mosquitto) every gateway of the market publishes on. */
  broker: brokerSchema.optional(),
  /** The owner's price preferences, in minor units (øre, cent) per kWh. */
  preferences: z
    .strictObject({
      /** Never sell below this price (default: the grid feed-in price). */
      minSellPriceMinorPerKWh: z.number().int('must be an integer number of minor units').optional(),
      /** Never buy above this price (default: grid retail plus tariff). */
      maxBuyPriceMinorPerKWh: z.number().int('must be an integer number of minor units').optional(),
      /** State of charge the battery keeps for the building itself, %. */
      batteryReservePercent: z.number().min(0, 'must be 0..100').max(100, 'must be 0..100').default(20),
    })
    .default({ batteryReservePercent: 20 }),
});

export const uplinkSectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The market operator's broker (not the block broker); TLS in production. */
  broker: brokerSchema,
  /** Records in flight before the operator's acknowledgement. */
  window: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(32),
  ackTimeoutMs: z.number().int().positive('must be a positive number of ms').default(30_000),
  iota: z
    .strictObject({
      /** JSON-RPC URL of an IOTA node; without it batches are kept and anchored later. */
      nodeUrl: z.url({ message: 'must be a URL such as https://api.mainnet.iota.cafe' }).optional(),
      /** The anchor Move package (deploy/iota/), 0x + 64 hex digits. */
      packageId: z.string().regex(/^0x[0-9a-f]{64}$/, 'must be 0x followed by 64 hex digits').optional(),
      batchMinutes: z.number().int().min(1, 'must be at least 1 minute').default(60),
    })
    .default({ batchMinutes: 60 }),
});

/** The API section is the API's own schema (listen, token, Home Assistant discovery). */
export { apiConfigSchema as apiSectionSchema, isLoopbackHost } from '../api/config.js';
