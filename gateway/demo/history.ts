// A demo gateway starts as if it had run for days: its store gets the interval energy its grid
// meter and PV inverter would have recorded over the days before the start, from the same
// building physics the simulator runs (same seeds and weather, without the battery, which
// nabo did not steer then). Without it the forecaster has nothing to go on and the first
// hours of the day offer nothing.
import { BuildingPhysics } from '../../device-sim/physics/building-physics.js';
import { SiteWeather } from '../../device-sim/physics/weather.js';
import { seedFromString } from '../../device-sim/random.js';
import type { FleetSpec } from '../../device-sim/fleet/fleet-file.js';
import { Store } from '../store/store.js';

export interface HistoryTarget {
  storeFile: string;
  gridMeterDeviceId: string;
  pvDeviceId?: string;
}

/** Writes `days` of quarter-hour history before `startMs` (aligned to the interval grid). */
export function seedHistory(fleet: FleetSpec, blockId: string, buildingId: string, target: HistoryTarget, startMs: number, days = 3, intervalMs = 900_000): number {
  const block = fleet.blocks.find((b) => b.id === blockId);
  const b = block?.buildings.find((x) => x.id === buildingId);
  if (!block || !b) throw new Error(`no building ${buildingId} in block ${blockId}`);
  const site = block.site ?? fleet.site;
  const endMs = Math.floor(startMs / intervalMs) * intervalMs;
  const fromMs = endMs - days * 86_400_000;
  const physics = new BuildingPhysics(
    { id: b.id, seed: seedFromString(b.id, fleet.seed), load: b.load, ...(b.pv ? { pv: b.pv } : {}) },
    { weather: new SiteWeather({ latitudeDeg: site.latitude, longitudeDeg: site.longitude, altitudeM: site.altitudeM ?? 0 }, seedFromString(block.id, fleet.seed)), gridSeed: fleet.seed, startMs: fromMs, stepMs: 60_000 },
  );
  const rows: Array<{ deviceId: string; intervalStartMs: number; intervalMs: number; importWh: number; exportWh: number; gap: boolean; gapReason: null; quality: 'measured' }> = [];
  let prev = physics.truth().energy;
  for (let t = fromMs; t < endMs; t += intervalMs) {
    physics.advanceTo(t + intervalMs);
    const now = physics.truth().energy;
    const row = (deviceId: string, importWh: number, exportWh: number) => ({ deviceId, intervalStartMs: t, intervalMs, importWh, exportWh, gap: false, gapReason: null, quality: 'measured' as const });
    rows.push(row(target.gridMeterDeviceId, Math.floor(now.gridImportWh) - Math.floor(prev.gridImportWh), Math.floor(now.gridExportWh) - Math.floor(prev.gridExportWh)));
    if (target.pvDeviceId) rows.push(row(target.pvDeviceId, 0, Math.floor(now.pvWh) - Math.floor(prev.pvWh)));
    prev = now;
  }
  const store = Store.open(target.storeFile);
  try {
    store.intervals.put(rows);
  } finally {
    store.close();
  }
  return rows.length;
}
