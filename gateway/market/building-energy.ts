// The building's interval energy series from the store, for the forecast: net exchange at the
// grid meter (import − export) and, when a PV inverter is configured, its production (whichever
// counter it reports). Consumption is then net + PV; without PV the net is forecast directly.
import type { NaboConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { MarketConfig } from './config.js';
import { forecastConsumption, forecastPv, type IntervalSeries } from './forecast.js';

const HISTORY_DAYS = 8;

function series(store: Store, deviceId: string, fromMs: number, toMs: number, pick: (importWh: number, exportWh: number) => number): Map<number, number | null> {
  const out = new Map<number, number | null>();
  for (const r of store.intervals.range(deviceId, fromMs, toMs)) {
    // A device may report one counter only (a PV inverter's production is its export, import
    // stays null): the missing one is zero; only an interval with neither is a gap.
    out.set(r.intervalStartMs, r.gap || (r.importWh === null && r.exportWh === null) ? null : pick(r.importWh ?? 0, r.exportWh ?? 0));
  }
  return out;
}

/** Forecast for interval T, knowing the intervals that ended by the start of the one before T. */
export function forecastFromStore(store: Store, market: MarketConfig, config: NaboConfig, T: number, intervalMs: number): { consumptionWh: number; pvWh: number } {
  const f = forecastSeriesFromStore(store, market, config, [T], T - intervalMs, intervalMs);
  return { consumptionWh: f.consumptionWh[0] ?? 0, pvWh: f.pvWh[0] ?? 0 };
}

/** Forecasts for several intervals (the day-ahead plan's next day), knowing the intervals that ended by `knownUntil`. */
export function forecastSeriesFromStore(store: Store, market: MarketConfig, config: NaboConfig, targets: readonly number[], knownUntil: number, intervalMs: number): { consumptionWh: number[]; pvWh: number[] } {
  const from = knownUntil - HISTORY_DAYS * 86_400_000;
  const net = series(store, market.gridMeterDeviceId, from, knownUntil, (i, e) => i - e);
  const opts = { intervalMs };
  if (!market.pvDeviceId) {
    const f = forecastConsumption(net, knownUntil, targets, { ...opts, floorWh: -Infinity });
    return { consumptionWh: f.map((x) => Math.max(0, x)), pvWh: f.map((x) => Math.max(0, -x)) };
  }
  const pv = series(store, market.pvDeviceId, from, knownUntil, (i, e) => i + e);
  const consumption: IntervalSeries = new Map([...net].map(([t, v]) => [t, v === null || pv.get(t) === undefined || pv.get(t) === null ? null : v + (pv.get(t) as number)]));
  const site = { latitudeDeg: config.site.latitude, longitudeDeg: config.site.longitude, tiltDeg: market.pvTiltDeg, azimuthDeg: market.pvAzimuthDeg };
  return { consumptionWh: forecastConsumption(consumption, knownUntil, targets, opts), pvWh: forecastPv(pv, knownUntil, targets, { ...opts, site }) };
}
