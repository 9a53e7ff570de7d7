import { describe, expect, it } from 'vitest';
import { regimeProbabilities, SiteWeather } from '../../../device-sim/physics/weather.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';

const DAY_MS = 86_400_000;

describe('weather', () => {
  it('follows Trondheim temperature normals: about −2 °C in January, 13 °C in July', () => {
    const w = new SiteWeather(TRONDHEIM, 21);
    const monthMean = (month: number): number => {
      let sum = 0;
      let n = 0;
      for (let t = Date.UTC(2026, month, 1); t < Date.UTC(2026, month + 1, 1); t += 3_600_000) {
        sum += w.temperatureC(t);
        n++;
      }
      return sum / n;
    };
    expect(monthMean(0)).toBeGreaterThan(-7);
    expect(monthMean(0)).toBeLessThan(1.5);
    expect(monthMean(6)).toBeGreaterThan(10);
    expect(monthMean(6)).toBeLessThan(17);
  });

  it('is a pure function of seed and time: the same values in any order of asking', () => {
    const times = Array.from({ length: 50 }, (_, i) => Date.UTC(2026, 3, 1) + i * 7_919_000);
    const a = new SiteWeather(TRONDHEIM, 4);
    const forward = times.map((t) => [a.clearSkyIndex(t), a.temperatureC(t)]);
    const b = new SiteWeather(TRONDHEIM, 4);
    const backward = [...times].reverse().map((t) => [b.clearSkyIndex(t), b.temperatureC(t)]).reverse();
    expect(backward).toEqual(forward);
    expect(new SiteWeather(TRONDHEIM, 5).clearSkyIndex(times[3] ?? 0)).not.toBe(forward[3]?.[0]);
  });

  it('moves clouds smoothly: no jump of the clear-sky index within 5 seconds, also across midnight', () => {
    const w = new SiteWeather(TRONDHEIM, 8);
    let worst = 0;
    let range = 0;
    const start = Date.UTC(2026, 5, 1);
    for (let t = start; t < start + 4 * DAY_MS; t += 5000) {
      const k = w.clearSkyIndex(t);
      worst = Math.max(worst, Math.abs(w.clearSkyIndex(t + 5000) - k));
      range = Math.max(range, Math.abs(k - w.clearSkyIndex(start)));
    }
    expect(worst).toBeLessThan(0.06);
    expect(range).toBeGreaterThan(0.1);
  });

  it('keeps sky regimes for days at a time (a Markov chain with persistence)', () => {
    const w = new SiteWeather(TRONDHEIM, 2);
    let changes = 0;
    let previous = w.regime(Date.UTC(2026, 0, 1, 12));
    for (let d = 1; d < 365; d++) {
      const r = w.regime(Date.UTC(2026, 0, 1, 12) + d * DAY_MS);
      if (r !== previous) changes++;
      previous = r;
    }
    // Independent days with three regimes would change about 200 times a year.
    expect(changes).toBeGreaterThan(60);
    expect(changes).toBeLessThan(170);
  });

  it('spreads a month\'s target clear-sky index over regime probabilities that sum to one', () => {
    for (const k of [0.25, 0.5, 0.66]) {
      const p = regimeProbabilities(k);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(0.98 * p[0] + 0.665 * p[1] + 0.22 * p[2]).toBeCloseTo(k, 6);
    }
  });
});
