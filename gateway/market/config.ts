// The gateway config's `market` section (config version 2; the lead adds it to the main
// schema). What every gateway of a market must share lives in the signed roster, not here:
// this is only what differs per gateway (identity, broker, meters, owner's preferences).
import { z } from 'zod';

export const marketConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The market (roster marketId) this gateway trades in. */
  marketId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  /** The operator's public key (64 hex digits), pinned: rosters and price lists must be signed by it. */
  operatorPublicKey: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  /** Identity key file (`nabo keys init`); relative paths are inside gateway.dataDir. */
  keyFile: z.string().min(1).default('identity.key'),
  /** A signed roster to start from (relative to dataDir); newer ones arrive retained over MQTT. */
  rosterFile: z.string().min(1).optional(),
  /** The block broker; its username must be gateway.id (the ACL keys on it). */
  broker: z.strictObject({
    url: z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+/, 'must be an MQTT URL such as mqtt://broker.local:1883'),
    username: z.string().optional(),
    password: z.string().optional(),
    caFile: z.string().optional(),
    /** The broker keeps the session (subscriptions, queued QoS 1 messages) this long after a disconnect. */
    sessionExpirySeconds: z.number().int().min(60).max(7 * 86_400).default(3600),
    /** Larger messages are refused by the client (counted as oversized) and announced to the broker as our maximum. */
    maxPayloadBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(512 * 1024),
  }),
  /** The device whose interval energy is the building's metered exchange with the grid. */
  gridMeterDeviceId: z.string().min(1),
  /** The PV inverter's device id, for the PV forecast (its export counter is production). */
  pvDeviceId: z.string().min(1).optional(),
  /** The array's tilt and bearing for the clear-sky PV forecast. */
  pvTiltDeg: z.number().min(0).max(90).default(40),
  pvAzimuthDeg: z.number().min(0).max(360).default(180),
  /**
   * The building's battery: orders count on it serving the building first, and offer its energy
   * when nabo steers it (its device has the battery-setpoint capability and is not held). State of
   * charge comes from its device when configured.
   */
  battery: z
    .strictObject({
      deviceId: z.string().min(1).optional(),
      capacityWh: z.number().positive(),
      minSocPercent: z.number().min(0).max(100).default(10),
      maxSocPercent: z.number().min(0).max(100).default(95),
      maxChargeW: z.number().nonnegative(),
      maxDischargeW: z.number().nonnegative(),
    })
    .optional(),
  /** The owner's price preferences; every limit is kept between feed-in and retail + tariff anyway. */
  preferences: z
    .strictObject({
      minSellPriceMinorPerKWh: z.number().int().optional(),
      maxBuyPriceMinorPerKWh: z.number().int().optional(),
      firmShare: z.number().min(0).max(1).default(0.8),
      useBattery: z.boolean().default(true),
    })
    .default({ firmShare: 0.8, useBattery: true }),
  /**
   * As coordinator, publish snapshots naming the orders by signature (every gateway holds them)
   * rather than carrying them all; off while some members still run a version that cannot
   * rebuild them (docs/market-protocol.md, "Snapshot on the wire").
   */
  snapshotOrderRefs: z.boolean().default(true),
  /** Publish the interval's order this long before gate closure (longer than the clock skew). */
  orderLeadMs: z.number().int().min(1000).max(3_600_000).default(30_000),
});

export type MarketConfig = z.output<typeof marketConfigSchema>;
export type MarketConfigInput = z.input<typeof marketConfigSchema>;
