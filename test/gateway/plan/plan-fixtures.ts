// Builders for plan tests: each building's day-ahead forecast (a deterministic consumption
// curve, PV on a bell around noon for some buildings, a battery for others), signed.
import { signPlanForecast, type PlanForecastPayload, type SignedPlanForecast } from '../../../gateway/plan/plan-messages.js';
import type { GatewayIdentity } from '../../../gateway/market/identity.js';

/** The building's forecast for `steps` 15-minute intervals from `planStartMs`. */
export function dayForecast(gatewayId: string, planStartMs: number, steps: number) {
  const n = [...gatewayId].reduce((s, c) => s + c.charCodeAt(0), 0);
  const consumptionWh: number[] = [];
  const pvWh: number[] = [];
  for (let t = 0; t < steps; t++) {
    const hour = (t * 15) / 60;
    // Morning and evening peaks over a base load.
    consumptionWh.push(Math.round(150 + (n % 5) * 20 + 200 * Math.exp(-((hour - 7.5) ** 2) / 2) + 300 * Math.exp(-((hour - 18.5) ** 2) / 3)));
    const sun = Math.max(0, Math.cos(((hour - 12.5) / 7) * (Math.PI / 2)));
    pvWh.push(n % 2 === 0 ? Math.round((900 + (n % 7) * 50) * sun) : Math.round(150 * sun));
  }
  void planStartMs;
  return { consumptionWh, pvWh, hasBattery: n % 3 !== 1, pvSurplus: n % 2 === 0 };
}

export function forecastPayload(marketId: string, gatewayId: string, planStartMs: number, steps: number, issuedAtMs: number): PlanForecastPayload {
  const f = dayForecast(gatewayId, planStartMs, steps);
  return {
    marketId,
    planStart: new Date(planStartMs).toISOString(),
    gatewayId,
    intervalMinutes: 15,
    steps,
    issuedAt: new Date(issuedAtMs).toISOString(),
    consumptionWh: f.consumptionWh,
    pvWh: f.pvWh,
    battery: f.hasBattery ? { capacityWh: 10_000, minSocWh: 1000, maxSocWh: 9500, socWh: 5000, maxChargeW: 5000, maxDischargeW: 5000, chargeEfficiency: 0.95, dischargeEfficiency: 0.95 } : null,
  };
}

export function signedForecast(identity: GatewayIdentity, payload: PlanForecastPayload): SignedPlanForecast {
  return signPlanForecast(payload, identity.seed);
}
