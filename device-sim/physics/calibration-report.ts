// Prints what the physics gives at a site over simulated years, to check the calibration
// against climate statistics: `npx tsx device-sim/physics/calibration-report.ts [seeds]`.
import { householdLoad } from './load.js';
import { pvOutput } from './pv.js';
import { TRONDHEIM } from './solar-position.js';
import { SiteWeather } from './weather.js';

const STEP_MS = 10 * 60_000;
const seeds = Number(process.argv[2] ?? 8);
const rows: string[] = [];
const yields: number[] = [];
for (let seed = 1; seed <= seeds; seed++) {
  const weather = new SiteWeather(TRONDHEIM, seed);
  const ghi = new Array<number>(12).fill(0);
  const clear = new Array<number>(12).fill(0);
  let pvWh = 0;
  let peakW = 0;
  let loadWh = 0;
  let loadPeakW = 0;
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += STEP_MS) {
    const m = new Date(t).getUTCMonth();
    const s = weather.sample(t);
    ghi[m] = (ghi[m] ?? 0) + (s.actual.ghiWm2 * STEP_MS) / 3.6e9;
    clear[m] = (clear[m] ?? 0) + (s.clearSky.ghiWm2 * STEP_MS) / 3.6e9;
    const p = pvOutput({ kWp: 1 }, weather, t).acPowerW;
    pvWh += (p * STEP_MS) / 3.6e6;
    peakW = Math.max(peakW, p);
    const l = householdLoad({ profile: 'household' }, seed, weather, t).totalW;
    loadWh += (l * STEP_MS) / 3.6e6;
    loadPeakW = Math.max(loadPeakW, l);
  }
  yields.push(pvWh / 1000);
  rows.push(
    `seed ${seed}: GHI ${ghi.reduce((a, b) => a + b, 0).toFixed(0)} kWh/m² (clear sky ${clear.reduce((a, b) => a + b, 0).toFixed(0)}), monthly ${ghi.map((g) => g.toFixed(0)).join(' ')}; ` +
      `PV ${(pvWh / 1000).toFixed(0)} kWh/kWp, peak ${(peakW / 1000).toFixed(3)} kW/kWp; household ${(loadWh / 1e6).toFixed(1)} MWh, peak ${(loadPeakW / 1000).toFixed(1)} kW`,
  );
}
process.stdout.write(`${rows.join('\n')}\nmean PV yield ${(yields.reduce((a, b) => a + b, 0) / yields.length).toFixed(0)} kWh/kWp\n`);
