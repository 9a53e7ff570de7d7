// Config version 2's optional sections: the block market, the uplink to the market operator,
// and the HTTP API. Each may be absent: a gateway without `market` reads and stores only. The
// solver backend and price rule are not here: they come from the signed roster, so every
// gateway of a market uses the same.
import { z } from 'zod';
import { marketConfigSchema } from '../market/config.js';

/**
 * The market section is the market's own schema (gateway/market/config.ts); what it requires
 * (market id, operator key, block broker, grid meter) is required only once it is enabled, so a
 * building can carry a prepared, disabled section (a version 1 file's `market` lifts into one).
 */
export const marketSectionSchema = marketConfigSchema
  .partial({ marketId: true, operatorPublicKey: true, broker: true, gridMeterDeviceId: true })
  .extend({
    /** The block this building belongs to; the roster is the authority, this is a check. */
    blockId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, _ and -').optional(),
  })
  .superRefine((m, ctx) => {
    if (!m.enabled) return;
    for (const field of ['marketId', 'operatorPublicKey', 'broker', 'gridMeterDeviceId'] as const) {
      if (m[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required when the market is enabled' });
    }
  });

/** The uplink and payment sections are their services' own schemas. */
export { uplinkConfigSchema as uplinkSectionSchema } from '../uplink/config.js';
export { paymentConfigSchema as paymentSectionSchema } from '../payment/config.js';

/** The API section is the API's own schema (listen, token, Home Assistant discovery). */
export { apiConfigSchema as apiSectionSchema, isLoopbackHost } from '../api/config.js';
