// This building's day-ahead forecast: consumption and PV per interval of the plan from the
// market's forecaster on the stored interval energy (or an injected source), and the battery
// from the market config with its state of charge now (the best guess for midnight).
import type { NaboConfig } from '../config/schema.js';
import { forecastSeriesFromStore } from '../market/building-energy.js';
import type { MarketConfig } from '../market/config.js';
import { batteryTakesSetpoints } from '../market/battery-device.js';
import type { Store } from '../store/store.js';
import type { PlanConfig } from './config.js';
import { intervalMsOf, type Roster } from '../market/roster.js';
import { signPlanForecast, type PlanBattery, type PlanForecastPayload, type SignedPlanForecast } from './plan-messages.js';

export type ForecastSource = (targetsMs: readonly number[], nowMs: number) => { consumptionWh: number[]; pvWh: number[] };

export interface OwnForecastInput {
  marketId: string;
  gatewayId: string;
  planStartMs: number;
  intervalMs: number;
  nowMs: number;
  plan: PlanConfig;
  market: MarketConfig;
  config: NaboConfig;
  store: Store;
  forecast?: ForecastSource;
  /** State of charge now, percent; undefined when unknown (the plan then starts from the window's floor). */
  socPercent: number | undefined;
}

const whole = (x: number): number => Math.max(0, Math.round(Number.isFinite(x) ? x : 0));

export function ownForecast(input: OwnForecastInput): PlanForecastPayload {
  const steps = input.plan.horizonIntervals;
  const targets = Array.from({ length: steps }, (_, t) => input.planStartMs + t * input.intervalMs);
  // Known until the last interval that ended before now.
  const knownUntil = Math.floor(input.nowMs / input.intervalMs) * input.intervalMs;
  const f = input.forecast ? input.forecast(targets, input.nowMs) : forecastSeriesFromStore(input.store, input.market, input.config, targets, knownUntil, input.intervalMs);
  return {
    marketId: input.marketId,
    planStart: new Date(input.planStartMs).toISOString(),
    gatewayId: input.gatewayId,
    intervalMinutes: input.intervalMs / 60_000,
    steps,
    issuedAt: new Date(input.nowMs).toISOString(),
    consumptionWh: targets.map((_, t) => whole(f.consumptionWh[t] ?? 0)),
    pvWh: targets.map((_, t) => whole(f.pvWh[t] ?? 0)),
    battery: batteryOf(input),
  };
}

function batteryOf(input: OwnForecastInput): PlanBattery | null {
  const b = input.market.battery;
  if (!b || !input.market.preferences.useBattery) return null;
  // A battery on a read-only device runs its own logic: the community cannot schedule it.
  if (batteryTakesSetpoints(input.config, input.market) === false) return null;
  const capacityWh = Math.round(b.capacityWh);
  const minSocWh = Math.round((capacityWh * b.minSocPercent) / 100);
  const maxSocWh = Math.max(minSocWh, Math.round((capacityWh * b.maxSocPercent) / 100));
  const soc = input.socPercent === undefined ? minSocWh : Math.round((capacityWh * input.socPercent) / 100);
  return {
    capacityWh,
    minSocWh,
    maxSocWh,
    socWh: Math.min(maxSocWh, Math.max(minSocWh, soc)),
    maxChargeW: Math.round(b.maxChargeW),
    maxDischargeW: Math.round(b.maxDischargeW),
    chargeEfficiency: input.plan.batteryChargeEfficiency,
    dischargeEfficiency: input.plan.batteryDischargeEfficiency,
  };
}

/** The battery's last stored state of charge, if read in the last 10 minutes (older says little). */
export function socPercentFromStore(store: Store, deviceId: string | undefined, nowMs: number): number | undefined {
  if (!deviceId) return undefined;
  const r = store.readings.latestAtOrBefore({ deviceId, quantity: 'socPercent' }, nowMs);
  return r && nowMs - r.atMs <= 600_000 ? r.value : undefined;
}

/** The service's own forecast for the plan starting at `planStartMs`, signed. */
export function signedOwnForecast(o: {
  roster: Roster;
  gatewayId: string;
  planStartMs: number;
  nowMs: number;
  options: { plan: PlanConfig; market: MarketConfig; forecast?: ForecastSource; batterySocPercent?: () => number | undefined };
  config: NaboConfig;
  store: Store;
  seed: Uint8Array;
}): SignedPlanForecast {
  const { options } = o;
  const payload = ownForecast({
    marketId: o.roster.marketId,
    gatewayId: o.gatewayId,
    planStartMs: o.planStartMs,
    intervalMs: intervalMsOf(o.roster),
    nowMs: o.nowMs,
    plan: options.plan,
    market: options.market,
    config: o.config,
    store: o.store,
    ...(options.forecast ? { forecast: options.forecast } : {}),
    socPercent: options.batterySocPercent ? options.batterySocPercent() : socPercentFromStore(o.store, options.market.battery?.deviceId, o.nowMs),
  });
  return signPlanForecast(payload, o.seed);
}
