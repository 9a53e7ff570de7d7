import { describe, expect, it } from 'vitest';
import { paymentConfigSchema } from '../../../gateway/payment/config.js';
import { uplinkConfigSchema } from '../../../gateway/uplink/config.js';
import { buildUplinkServices } from '../../../gateway/uplink/build.js';

const seed = new Uint8Array(32).fill(1);
const uplink = (extra: object) => uplinkConfigSchema.parse({ brokerUrl: 'mqtts://ops.example:8883', marketId: 'trondheim', ...extra });

describe('uplink services from config', () => {
  it('builds nothing while disabled, the uplink and anchoring when enabled, payment only with market inputs', () => {
    expect(buildUplinkServices({ uplink: uplink({}), seed })).toEqual([]);
    expect(buildUplinkServices({ uplink: uplink({ enabled: true }), seed }).map((s) => s.name)).toEqual(['uplink', 'anchor']);
    expect(buildUplinkServices({ uplink: uplink({ enabled: true, anchor: { enabled: false } }), seed }).map((s) => s.name)).toEqual(['uplink']);
    const payment = paymentConfigSchema.parse({ enabled: true });
    expect(buildUplinkServices({ payment, seed }).map((s) => s.name)).toEqual([]);
    const inputs = { roster: () => ({ rateNanosPerMinor: 1, members: [] }), results: () => [] };
    expect(buildUplinkServices({ payment, paymentInputs: inputs, seed }).map((s) => s.name)).toEqual(['payment']);
  });

  it('rejects a config without a broker URL or with an unknown field, defaults the rest', () => {
    expect(uplinkConfigSchema.safeParse({ marketId: 'trondheim' }).success).toBe(false);
    expect(uplinkConfigSchema.safeParse({ brokerUrl: 'mqtts://x:8883', marketId: 'trondheim', windw: 3 }).success).toBe(false);
    expect(uplink({})).toMatchObject({ enabled: false, window: 256, ackTimeoutMs: 30_000, passwordEnv: 'NABO_UPLINK_PASSWORD', anchor: { enabled: true, batchPeriodMs: 3_600_000 } });
    expect(paymentConfigSchema.parse({}).enabled).toBe(false);
  });
});
