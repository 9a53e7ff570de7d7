import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyEnvelope } from '../../../core/signed-envelope.js';
import { buildOrder, priceBounds, signOrder, type OrderInputs } from '../../../gateway/market/order-builder.js';
import { identityOf } from './market-fixtures.js';

const PRICES = { block: 'block-1', gridImportPriceMinorPerKWh: 100, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 };
const BASE: OrderInputs = {
  marketId: 'm',
  gatewayId: 'b1-h1',
  intervalStartMs: Date.UTC(2026, 5, 1, 10),
  intervalMs: 900_000,
  sequence: 3,
  expiresAtMs: Date.UTC(2026, 5, 1, 10),
  consumptionWh: 800,
  pvWh: 200,
  prices: PRICES,
  maxStepEnergyWh: 1_000_000,
  maxSteps: 10,
};

describe('order builder', () => {
  it('bids for a shortfall and offers a surplus, all limit prices between feed-in and retail + tariff', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.option(fc.record({ soc: fc.integer({ min: 0, max: 100 }), cap: fc.integer({ min: 1, max: 30_000 }) })),
        fc.option(fc.integer({ min: -500, max: 500 })),
        (consumptionWh, pvWh, battery, pref) => {
          const order = buildOrder({
            ...BASE,
            consumptionWh,
            pvWh,
            ...(battery ? { battery: { capacityWh: battery.cap, socPercent: battery.soc, minSocPercent: 10, maxSocPercent: 95, maxChargeW: 5000, maxDischargeW: 5000 } } : {}),
            ...(pref !== null ? { preferences: { maxBuyPriceMinorPerKWh: pref, minSellPriceMinorPerKWh: pref } } : {}),
          });
          const { floorMinorPerKWh, ceilingMinorPerKWh } = priceBounds(PRICES);
          for (const s of [...(order?.bid ?? []), ...(order?.offer ?? [])]) {
            expect(s.priceMinorPerKWh).toBeGreaterThanOrEqual(floorMinorPerKWh);
            expect(s.priceMinorPerKWh).toBeLessThanOrEqual(ceilingMinorPerKWh);
            expect(Number.isInteger(s.energyWh) && s.energyWh >= 1).toBe(true);
          }
          if (!battery) {
            const bid = (order?.bid ?? []).reduce((a, s) => a + s.energyWh, 0);
            const offer = (order?.offer ?? []).reduce((a, s) => a + s.energyWh, 0);
            expect(bid).toBe(Math.max(0, consumptionWh - pvWh));
            expect(offer).toBe(Math.max(0, pvWh - consumptionWh));
          }
        },
      ),
    );
  });

  it('names the order by gateway, interval index and sequence, and signs it in the order domain', () => {
    const order = buildOrder(BASE)!;
    expect(order.orderId).toBe(`b1-h1-${BASE.intervalStartMs / 900_000}-3`);
    expect(order.intervalStart).toBe('2026-06-01T10:00:00.000Z');
    expect(order.bid!.reduce((s, x) => s + x.energyWh, 0)).toBe(600);
    const signed = signOrder(order, identityOf('b1-h1').seed);
    expect(verifyEnvelope('order', signed).ok).toBe(true);
    expect(verifyEnvelope('vote', signed).ok).toBe(false);
  });

  it('offers the battery: charge bid cheap, discharge offer dear, within its state of charge', () => {
    const order = buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: { capacityWh: 10_000, socPercent: 50, minSocPercent: 10, maxSocPercent: 90, maxChargeW: 2000, maxDischargeW: 8000 } })!;
    expect(order.bid).toEqual([{ energyWh: 500, priceMinorPerKWh: 73 }]);
    expect(order.offer).toEqual([{ energyWh: 2000, priceMinorPerKWh: 118 }]);
  });

  it('has nothing to trade when the building is balanced and has no battery', () => {
    expect(buildOrder({ ...BASE, consumptionWh: 400, pvWh: 400 })).toBeUndefined();
  });
});
