// The day-ahead forecast a gateway publishes: its battery is offered to the community's schedule
// only when nabo can steer it (a read-only battery runs its own logic and cannot follow a plan).
import { describe, expect, it } from 'vitest';
import type { NaboConfig } from '../../../gateway/config/schema.js';
import { marketConfigSchema } from '../../../gateway/market/config.js';
import { planConfigSchema } from '../../../gateway/plan/config.js';
import { ownForecast } from '../../../gateway/plan/plan-own-forecast.js';
import type { Store } from '../../../gateway/store/store.js';

const market = marketConfigSchema.parse({
  enabled: true,
  marketId: 'm',
  operatorPublicKey: 'ab'.repeat(32),
  broker: { url: 'mqtt://127.0.0.1:1883' },
  gridMeterDeviceId: 'grid',
  battery: { deviceId: 'bat', capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000 },
});

function forecastWith(capabilities: string[] | undefined) {
  // Only `devices` is read when the consumption and PV come from an injected source.
  const config = { devices: capabilities === undefined ? [] : [{ id: 'bat', capabilities }] } as unknown as NaboConfig;
  return ownForecast({
    marketId: 'm',
    gatewayId: 'h1',
    planStartMs: Date.UTC(2026, 5, 20, 22),
    intervalMs: 900_000,
    nowMs: Date.UTC(2026, 5, 20, 10),
    plan: planConfigSchema.parse({ enabled: true }),
    market,
    config,
    store: undefined as unknown as Store,
    forecast: (targets) => ({ consumptionWh: targets.map(() => 300), pvWh: targets.map(() => 0) }),
    socPercent: 50,
  });
}

describe("a gateway's day-ahead forecast", () => {
  it('offers a battery nabo can steer, with its state of charge now', () => {
    expect(forecastWith(['read', 'battery-setpoint']).battery).toMatchObject({ capacityWh: 10_000, socWh: 5000, maxChargeW: 5000 });
  });

  it('leaves out a battery on a read-only device', () => {
    expect(forecastWith(['read']).battery).toBeNull();
  });

  it('keeps a battery whose device is not in the config (its state of charge is given from outside)', () => {
    expect(forecastWith(undefined).battery).not.toBeNull();
  });
});
