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

  const BATTERY = { capacityWh: 10_000, socPercent: 50, minSocPercent: 10, maxSocPercent: 90, maxChargeW: 2000, maxDischargeW: 2000 };

  it('trades only what the battery leaves: a surplus it stores is not offered', () => {
    // 1000 Wh of surplus, the battery takes 500 (2 kW for 15 min): 500 Wh left to offer, firm 400 at 10 % of the spread, 100 at 40 %.
    const order = buildOrder({ ...BASE, consumptionWh: 0, pvWh: 1000, battery: { ...BATTERY, steered: false } })!;
    expect(order.bid).toBeUndefined();
    expect(order.offer).toEqual([{ energyWh: 400, priceMinorPerKWh: 59 }, { energyWh: 100, priceMinorPerKWh: 86 }]);
    // A shortfall it covers is not bid for.
    expect(buildOrder({ ...BASE, consumptionWh: 300, pvWh: 0, battery: { ...BATTERY, steered: false } })).toBeUndefined();
  });

  it('offers the energy of a steered battery that would spill later, at no less than feed-in over the round trip', () => {
    // Worked by hand: 5000 Wh stored, 9000 the top; 1000 Wh surplus an interval after this one fills it
    // in the 9th and spills 11 200 stored Wh after; nothing lower than 4000 Wh above the bottom on
    // the way. Spare 4000 Wh, the interval's power 500 Wh, 80 % firm: 400 Wh at 15 % of the spread
    // (64; feed-in 50 / 0.95² = 56 is below it).
    const order = buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: Array(20).fill(0), pvWh: Array(20).fill(1000) } })!;
    expect(order.bid).toBeUndefined();
    expect(order.offer).toEqual([{ energyWh: 400, priceMinorPerKWh: 64 }]);
    // Not steered: the same battery offers nothing.
    expect(buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: { ...BATTERY, steered: false }, outlook: { consumptionWh: Array(20).fill(0), pvWh: Array(20).fill(1000) } })).toBeUndefined();
  });

  it('bids for the room of a steered battery that it would need before it fills, at no more than retail + tariff over the round trip', () => {
    // 1000 Wh shortfall an interval empties it in the 8th; wanted 4000 Wh (its room), power 500, firm 400 at 75 % (118; 140 × 0.95² = 126 above it).
    const order = buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: Array(20).fill(1000), pvWh: Array(20).fill(0) } })!;
    expect(order.offer).toBeUndefined();
    expect(order.bid).toEqual([{ energyWh: 400, priceMinorPerKWh: 118 }]);
  });

  it('trades no battery energy on an outlook that a PV forecast 25 % off would overturn', () => {
    // 500 Wh of PV for ten intervals fills the 4000 stored Wh of room (4750 stored); at 375 it would not (3562).
    expect(buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: Array(10).fill(0), pvWh: Array(10).fill(500) } })).toBeUndefined();
    // 400 Wh short for ten intervals empties its 4000 stored Wh (4211); with 25 % more PV, 250 short, it would not (2632).
    expect(buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: Array(10).fill(1000), pvWh: Array(10).fill(600) } })).toBeUndefined();
    // With PV to spare either way, it trades.
    expect(buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: Array(10).fill(0), pvWh: Array(10).fill(800) } })?.offer).toHaveLength(1);
  });

  it('trades no battery energy when it neither fills nor empties in the outlook', () => {
    expect(buildOrder({ ...BASE, consumptionWh: 0, pvWh: 0, battery: BATTERY, outlook: { consumptionWh: [100, 0, 100, 0], pvWh: [0, 100, 0, 100] } })).toBeUndefined();
  });

  it('has nothing to trade when the building is balanced and has no battery', () => {
    expect(buildOrder({ ...BASE, consumptionWh: 400, pvWh: 400 })).toBeUndefined();
  });
});
