import { describe, expect, it } from 'vitest';
import { pvOutput } from '../../../device-sim/physics/pv.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';

const STEP_MS = 15 * 60_000;

function simulateYear(seed: number): { yieldKWhPerKWp: number; peakKWPerKWp: number } {
  const weather = new SiteWeather(TRONDHEIM, seed);
  let energyWh = 0;
  let peakW = 0;
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += STEP_MS) {
    const p = pvOutput({ kWp: 1 }, weather, t).acPowerW;
    energyWh += (p * STEP_MS) / 3_600_000;
    peakW = Math.max(peakW, p);
  }
  return { yieldKWhPerKWp: energyWh / 1000, peakKWPerKWp: peakW / 1000 };
}

describe('PV at Trondheim over a simulated year (15-minute steps)', () => {
  const years = [1, 2, 3, 4, 5, 42].map(simulateYear);

  it('yields near 830 kWh/kWp on average over seeded years, within Norwegian year-to-year spread', () => {
    const mean = years.reduce((s, y) => s + y.yieldKWhPerKWp, 0) / years.length;
    expect(mean).toBeGreaterThan(790);
    expect(mean).toBeLessThan(870);
    for (const y of years) {
      expect(y.yieldKWhPerKWp).toBeGreaterThan(700);
      expect(y.yieldKWhPerKWp).toBeLessThan(960);
    }
  });

  it('peaks near 0.85 kW per kWp', () => {
    for (const y of years) {
      expect(y.peakKWPerKWp).toBeGreaterThan(0.78);
      expect(y.peakKWPerKWp).toBeLessThan(0.92);
    }
  });

  it('is repeatable for a seed and differs between seeds', () => {
    expect(simulateYear(42)).toEqual(years[5]);
    expect(years[0]?.yieldKWhPerKWp).not.toBe(years[1]?.yieldKWhPerKWp);
  });

  it('produces nothing at night and little in a Trondheim December', () => {
    const weather = new SiteWeather(TRONDHEIM, 7);
    expect(pvOutput({ kWp: 10 }, weather, Date.UTC(2026, 5, 1, 23, 30)).acPowerW).toBeLessThan(50);
    expect(pvOutput({ kWp: 10 }, weather, Date.UTC(2026, 11, 15, 2, 0)).acPowerW).toBe(0);
    let decemberWh = 0;
    for (let t = Date.UTC(2026, 11, 1); t < Date.UTC(2027, 0, 1); t += STEP_MS) decemberWh += (pvOutput({ kWp: 1 }, weather, t).acPowerW * STEP_MS) / 3_600_000;
    expect(decemberWh).toBeLessThan(15_000);
  });
});
