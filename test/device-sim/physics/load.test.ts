import { describe, expect, it } from 'vitest';
import { householdLoad, officeLoad } from '../../../device-sim/physics/load.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';

const STEP_MS = 5 * 60_000;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);

describe('household load over a simulated Trondheim year (5-minute steps)', () => {
  const cases = [
    { seed: 1, heatLossWPerK: 60 },
    { seed: 2, heatLossWPerK: 80 },
    { seed: 3, heatLossWPerK: 105 },
  ].map(({ seed, heatLossWPerK }) => {
    const weather = new SiteWeather(TRONDHEIM, seed);
    let energyWh = 0;
    let peakW = 0;
    let winterWh = 0;
    let summerWh = 0;
    for (let t = YEAR_START; t < YEAR_END; t += STEP_MS) {
      const p = householdLoad({ profile: 'household', heatLossWPerK }, seed, weather, t).totalW;
      const wh = (p * STEP_MS) / 3_600_000;
      energyWh += wh;
      peakW = Math.max(peakW, p);
      const month = new Date(t).getUTCMonth();
      if (month === 0) winterWh += wh;
      if (month === 6) summerWh += wh;
    }
    return { energyWh, peakW, winterWh, summerWh };
  });

  it('uses 12–20 MWh a year, as Norwegian electrically heated homes do', () => {
    for (const c of cases) {
      expect(c.energyWh).toBeGreaterThan(12e6);
      expect(c.energyWh).toBeLessThan(20e6);
    }
  });

  it('peaks between 3 and 10 kW', () => {
    for (const c of cases) {
      expect(c.peakW).toBeGreaterThan(3000);
      expect(c.peakW).toBeLessThan(10_000);
    }
  });

  it('uses far more in January than in July (electric heating)', () => {
    for (const c of cases) expect(c.winterWh).toBeGreaterThan(2 * c.summerWh);
  });

  it('uses more the leakier the house', () => {
    expect(cases[2]?.energyWh).toBeGreaterThan(cases[0]?.energyWh ?? Infinity);
  });
});

describe('office load', () => {
  it('is high on a weekday morning and low on a Sunday at the same hour', () => {
    const weather = new SiteWeather(TRONDHEIM, 9);
    // 2026-03-04 is a Wednesday, 2026-03-08 a Sunday; 10:00 local = 09:00 UTC.
    const weekday = officeLoad({ profile: 'office', areaM2: 1000 }, 9, weather, Date.UTC(2026, 2, 4, 9)).appliancesW;
    const sunday = officeLoad({ profile: 'office', areaM2: 1000 }, 9, weather, Date.UTC(2026, 2, 8, 9)).appliancesW;
    expect(weekday).toBeGreaterThan(3 * sunday);
  });

  it('is a pure function of seed and time', () => {
    const a = householdLoad({ profile: 'household' }, 5, new SiteWeather(TRONDHEIM, 5), Date.UTC(2026, 1, 2, 17, 3));
    const b = householdLoad({ profile: 'household' }, 5, new SiteWeather(TRONDHEIM, 5), Date.UTC(2026, 1, 2, 17, 3));
    expect(a).toEqual(b);
  });
});
