import { describe, expect, it } from 'vitest';
import { BuildingPhysics } from '../../../device-sim/physics/building-physics.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';
import { forecastConsumption, forecastPersistence, forecastPv } from '../../../gateway/market/forecast.js';

const INTERVAL_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** True interval energies of a simulated household with PV (device-sim physics, no transports). */
function simulate(startMs: number, days: number, seed: number): { load: Map<number, number>; pv: Map<number, number> } {
  const b = new BuildingPhysics(
    { id: `h${seed}`, seed, load: { profile: 'household' }, pv: { kWp: 8 } },
    { weather: new SiteWeather(TRONDHEIM, seed), gridSeed: seed, startMs, stepMs: 60_000 },
  );
  const load = new Map<number, number>();
  const pv = new Map<number, number>();
  let prev = b.truth().exactEnergy;
  for (let t = startMs; t < startMs + days * DAY_MS; t += INTERVAL_MS) {
    b.advanceTo(t + INTERVAL_MS);
    const now = b.truth().exactEnergy;
    load.set(t, now.loadWh - prev.loadWh);
    pv.set(t, now.pvWh - prev.pvWh);
    prev = now;
  }
  return { load, pv };
}

function mae(errors: number[]): number {
  return errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
}

describe('forecast against the simulator truth over a simulated week', () => {
  for (const [season, start] of [['May', Date.UTC(2026, 4, 1)], ['October', Date.UTC(2026, 9, 1)]] as const) {
    it(`beats naive persistence on consumption and PV two intervals ahead (${season})`, () => {
      const warmupDays = 3;
      const { load, pv } = simulate(start, warmupDays + 7, 7);
      const err = { load: [] as number[], loadNaive: [] as number[], pv: [] as number[], pvNaive: [] as number[] };
      for (let t = start + warmupDays * DAY_MS; t < start + (warmupDays + 7) * DAY_MS; t += INTERVAL_MS) {
        // At gate closure of interval t the last complete interval is the one before the current.
        const knownUntil = t - INTERVAL_MS;
        const opts = { intervalMs: INTERVAL_MS };
        err.load.push(forecastConsumption(load, knownUntil, [t], opts)[0]! - load.get(t)!);
        err.loadNaive.push(forecastPersistence(load, knownUntil, [t], INTERVAL_MS)[0]! - load.get(t)!);
        err.pv.push(forecastPv(pv, knownUntil, [t], { ...opts, site: TRONDHEIM })[0]! - pv.get(t)!);
        err.pvNaive.push(forecastPersistence(pv, knownUntil, [t], INTERVAL_MS)[0]! - pv.get(t)!);
      }
      const report = { season, intervals: err.load.length, loadMaeWh: mae(err.load), loadPersistenceMaeWh: mae(err.loadNaive), pvMaeWh: mae(err.pv), pvPersistenceMaeWh: mae(err.pvNaive) };
      console.log(`forecast ${JSON.stringify(report)}`);
      expect(report.intervals).toBe(7 * 96);
      expect(report.loadMaeWh).toBeLessThan(report.loadPersistenceMaeWh);
      expect(report.pvMaeWh).toBeLessThan(report.pvPersistenceMaeWh);
    });
  }

  it('forecasts zero PV at night and falls back to the profile when the last intervals are gaps', () => {
    const start = Date.UTC(2026, 4, 1);
    const { pv, load } = simulate(start, 4, 3);
    const midnight = start + 3 * DAY_MS;
    expect(forecastPv(pv, midnight - INTERVAL_MS, [midnight], { intervalMs: INTERVAL_MS, site: TRONDHEIM })[0]).toBe(0);
    const gappy = new Map<number, number | null>(load);
    const noon = start + 3 * DAY_MS + 12 * 3_600_000;
    for (let t = noon - 20 * INTERVAL_MS; t < noon; t += INTERVAL_MS) gappy.set(t, null);
    const f = forecastConsumption(gappy, noon - INTERVAL_MS, [noon], { intervalMs: INTERVAL_MS })[0]!;
    expect(f).toBeGreaterThan(0);
    expect(Number.isInteger(f)).toBe(true);
  });
});
