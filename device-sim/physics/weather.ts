// Seeded weather for one site: a daily sky regime (clear, broken clouds, overcast) from a Markov
// chain, with cloud fields drifting within each day, and an outdoor temperature with its
// seasonal and daily cycles plus multi-day anomalies. Every value is a pure function of
// (seed, time): the chain is walked once per year and cached, the rest are stateless hashes,
// so any instant can be asked in any order and gives the same answer.
import { hashUnit, valueNoise } from '../random.js';
import { ineichenClearSky, nordicLinkeTurbidity, type Irradiance } from './clear-sky.js';
import { TRONDHEIM_CLIMATE, type Climate } from './climate.js';
import { erbsSplit } from './plane-of-array.js';
import { solarPosition, utcDayAndHour, type Site, type SolarPosition } from './solar-position.js';

export type SkyRegime = 'clear' | 'broken' | 'overcast';
const REGIMES: readonly SkyRegime[] = ['clear', 'broken', 'overcast'];

/** Mean clear-sky index of each regime (irradiance-weighted, as the cloud fields below give). */
const REGIME_MEAN_INDEX: Record<SkyRegime, number> = { clear: 0.98, broken: 0.665, overcast: 0.22 };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Regimes of two days blend over this long around midnight UTC, so skies never jump. */
const BLEND_MS = 3 * HOUR_MS;

/**
 * Regime probabilities (clear, broken, overcast) whose mean index is `targetIndex`: a
 * "sunniness" s in [0, 1] spread binomially, s² clear, 2s(1−s) broken, (1−s)² overcast.
 */
export function regimeProbabilities(targetIndex: number): [number, number, number] {
  const c = REGIME_MEAN_INDEX;
  const mean = (s: number): number => c.clear * s * s + c.broken * 2 * s * (1 - s) + c.overcast * (1 - s) ** 2;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (mean(mid) < targetIndex) lo = mid;
    else hi = mid;
  }
  const s = (lo + hi) / 2;
  return [s * s, 2 * s * (1 - s), (1 - s) ** 2];
}

function sample(probabilities: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i] as number;
    if (u < acc) return i;
  }
  return probabilities.length - 1;
}

export interface WeatherSample {
  sun: SolarPosition;
  clearSky: Irradiance;
  /** Irradiance under today's clouds. */
  actual: Irradiance;
  clearSkyIndex: number;
  regime: SkyRegime;
  temperatureC: number;
}

export class SiteWeather {
  private readonly regimeCache = new Map<number, Uint8Array>();
  private readonly monthProbabilities: Array<[number, number, number]>;
  private last: { atMs: number; sample: WeatherSample } | undefined;

  constructor(
    readonly site: Site,
    readonly seed: number,
    readonly climate: Climate = TRONDHEIM_CLIMATE,
  ) {
    this.monthProbabilities = climate.monthlyClearSkyIndex.map((k) => regimeProbabilities(k));
  }

  /** The sky regime of the UTC day containing `atMs`. */
  regime(atMs: number): SkyRegime {
    const { year, dayOfYear } = utcDayAndHour(atMs);
    return REGIMES[this.regimesOf(year)[dayOfYear - 1] as number] as SkyRegime;
  }

  /** Ratio of the global irradiance under clouds to the clear-sky one, about 0.1..1.05. */
  clearSkyIndex(atMs: number): number {
    const dayStart = Math.floor(atMs / DAY_MS) * DAY_MS;
    const today = this.indexIn(this.regime(atMs), atMs);
    const sinceStart = atMs - dayStart;
    const untilEnd = dayStart + DAY_MS - atMs;
    // Blend with the neighbouring day's regime near midnight, smoothly.
    if (sinceStart < BLEND_MS / 2) {
      const w = smoothstep(0.5 + sinceStart / BLEND_MS);
      return w * today + (1 - w) * this.indexIn(this.regime(dayStart - 1), atMs);
    }
    if (untilEnd < BLEND_MS / 2) {
      const w = smoothstep(0.5 + untilEnd / BLEND_MS);
      return w * today + (1 - w) * this.indexIn(this.regime(dayStart + DAY_MS), atMs);
    }
    return today;
  }

  /** Outdoor air temperature, °C. */
  temperatureC(atMs: number): number {
    const c = this.climate;
    const { dayOfYear, hour } = utcDayAndHour(atMs);
    const season = Math.cos((2 * Math.PI * (dayOfYear - c.coldestDayOfYear)) / 365.25);
    // Summer days swing more than winter days; the warmest hour is mid-afternoon solar time.
    const dailySwingC = 2.5 - 1.5 * season;
    const solarHour = hour + this.site.longitudeDeg / 15;
    const daily = dailySwingC * Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
    const days = atMs / DAY_MS;
    const winterBoost = 1 + 0.5 * Math.max(0, season);
    const anomaly = c.anomalyC * winterBoost * (0.8 * valueNoise(this.seed ^ 0x7e3a, days / 3) + 0.4 * valueNoise(this.seed ^ 0x51c1, days * 2));
    return c.annualMeanTemperatureC - c.annualTemperatureAmplitudeC * season + daily + anomaly;
  }

  /** Everything about the sky at one instant; the last answer is kept, as every building of a block asks for the same instant. */
  sample(atMs: number): WeatherSample {
    if (this.last && this.last.atMs === atMs) return this.last.sample;
    const sample = this.compute(atMs);
    this.last = { atMs, sample };
    return sample;
  }

  private compute(atMs: number): WeatherSample {
    const sun = solarPosition(atMs, this.site);
    const clearSky = ineichenClearSky(sun.zenithDeg, sun.extraterrestrialWm2, nordicLinkeTurbidity(sun.dayOfYear), this.site.altitudeM ?? 0);
    const clearSkyIndex = this.clearSkyIndex(atMs);
    const actual = clearSkyIndex >= 0.999 && clearSkyIndex <= 1.001 ? clearSky : erbsSplit(clearSky.ghiWm2 * clearSkyIndex, sun.zenithDeg, sun.extraterrestrialWm2, clearSky.dniWm2 * Math.max(1, clearSkyIndex));
    return { sun, clearSky, actual, clearSkyIndex, regime: this.regime(atMs), temperatureC: this.temperatureC(atMs) };
  }

  private indexIn(regime: SkyRegime, atMs: number): number {
    const minutes = atMs / 60_000;
    switch (regime) {
      case 'clear':
        return 1 - 0.04 * (valueNoise(this.seed ^ 0x1111, minutes / 120) * 0.5 + 0.5);
      case 'overcast':
        return 0.1 + 0.24 * (valueNoise(this.seed ^ 0x2222, minutes / 90) * 0.5 + 0.5);
      case 'broken': {
        // A cloud field drifting past: sun and shade alternate every few minutes, with a
        // slower swell in how much of the sky is covered.
        const field = 0.65 * valueNoise(this.seed ^ 0x3333, minutes / 9) + 0.35 * valueNoise(this.seed ^ 0x4444, minutes / 70);
        const sunlit = smoothstep(Math.min(1, Math.max(0, (field + 0.2) / 0.4)));
        return 0.3 + 0.73 * sunlit;
      }
    }
  }

  private regimesOf(year: number): Uint8Array {
    const cached = this.regimeCache.get(year);
    if (cached) return cached;
    const days = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
    const out = new Uint8Array(days);
    const p = this.climate.regimePersistence;
    let state = sample(this.probabilitiesOn(year, 0), hashUnit(this.seed, year, -1));
    for (let d = 0; d < days; d++) {
      if (d > 0 && hashUnit(this.seed, year, d, 0) >= p) state = sample(this.probabilitiesOn(year, d), hashUnit(this.seed, year, d, 1));
      out[d] = state;
    }
    if (this.regimeCache.size > 8) this.regimeCache.clear();
    this.regimeCache.set(year, out);
    return out;
  }

  private probabilitiesOn(year: number, dayIndex: number): [number, number, number] {
    const month = new Date(Date.UTC(year, 0, 1) + dayIndex * DAY_MS).getUTCMonth();
    return this.monthProbabilities[month] as [number, number, number];
  }
}

function smoothstep(x: number): number {
  return x * x * (3 - 2 * x);
}
