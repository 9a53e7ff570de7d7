// A building's series[] for summary.json from its gateway's store: the grid meter's interval
// energy, the PV inverter's production and the battery's charge (as the market's forecast reads
// them, gateway/market/building-energy.ts), consumption as what is left, and what the building
// bought and sold in each interval's result.
import type { Store } from '../store/store.js';
import { acceptedEnergy } from './market-intervals.js';
import type { SummaryInterval, SummarySeriesPoint } from './summary.js';

export interface BuildingDevices {
  gridMeterDeviceId: string;
  pvDeviceId?: string;
  batteryDeviceId?: string;
}

type Row = { importWh: number; exportWh: number } | null;

function rowsOf(store: Store, deviceId: string | undefined, fromMs: number, toMs: number): Map<number, Row> | undefined {
  if (deviceId === undefined) return undefined;
  const out = new Map<number, Row>();
  // A device may report one counter only (a PV inverter's production is its export, import stays
  // null): the missing one is 0, as the forecast reads it; only an interval with neither is a gap.
  for (const r of store.intervals.range(deviceId, fromMs, toMs)) out.set(r.intervalStartMs, r.gap || (r.importWh === null && r.exportWh === null) ? null : { importWh: r.importWh ?? 0, exportWh: r.exportWh ?? 0 });
  return out;
}

/**
 * One point per interval of `intervals`. An interval without a value from the grid meter, or
 * from a configured PV or battery device, is a gap: its energies are 0 and `gap` is true (the
 * first intervals of a run are gaps until the meters' counters are seen).
 */
export function buildingSeries(store: Store, gatewayId: string, devices: BuildingDevices, intervals: readonly SummaryInterval[], intervalMs: number): SummarySeriesPoint[] {
  if (intervals.length === 0) return [];
  const fromMs = Date.parse(intervals[0]!.intervalStart);
  const toMs = Date.parse(intervals.at(-1)!.intervalStart) + intervalMs;
  const grid = rowsOf(store, devices.gridMeterDeviceId, fromMs, toMs)!;
  const pv = rowsOf(store, devices.pvDeviceId, fromMs, toMs);
  const battery = rowsOf(store, devices.batteryDeviceId, fromMs, toMs);
  return intervals.map((i) => {
    const t = Date.parse(i.intervalStart);
    const traded = acceptedEnergy(i.result, gatewayId);
    const g = grid.get(t) ?? null;
    const p = pv ? (pv.get(t) ?? null) : { importWh: 0, exportWh: 0 };
    const b = battery ? (battery.get(t) ?? null) : { importWh: 0, exportWh: 0 };
    if (g === null || p === null || b === null) return { intervalStart: i.intervalStart, consumptionWh: 0, pvWh: 0, importWh: 0, exportWh: 0, ...traded, batteryWh: 0, gap: true };
    // An inverter reports production on whichever counter it has; a battery charges on import.
    const pvWh = Math.round(p.importWh + p.exportWh);
    const batteryWh = Math.round(b.importWh - b.exportWh);
    const importWh = Math.round(g.importWh);
    const exportWh = Math.round(g.exportWh);
    // Meters of one building are read at slightly different instants: never a negative load.
    const consumptionWh = Math.max(0, importWh - exportWh + pvWh - batteryWh);
    return { intervalStart: i.intervalStart, consumptionWh, pvWh, importWh, exportWh, ...traded, batteryWh };
  });
}
