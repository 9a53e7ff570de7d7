// Electric load of a Norwegian building. Most Norwegian homes heat with electricity (panel
// heaters, floor heating, a hot-water tank), so consumption follows the outdoor temperature:
// 12–20 MWh a year for a house, peaks of 3–10 kW on cold evenings. Components:
//  - space heating: heat loss (W/K) × (balance temperature − outdoor), night setback;
//  - hot water: a 2 kW tank element switching on in 15-minute slots with a daily profile;
//  - appliances and lighting: standby, a daily activity curve, seeded bursts (cooking, washing).
// An office follows occupancy (weekdays 07–17) instead. Pure functions of (seed, time, weather).
import { hashUnit, valueNoise } from '../random.js';
import { norwegianLocalTime } from './local-time.js';
import type { SiteWeather } from './weather.js';

export interface HouseholdLoadSpec {
  profile: 'household';
  /** Heat loss of the envelope and ventilation, W/K (70–110 for a typical detached house). */
  heatLossWPerK?: number;
  /** Indoor temperature minus the free heat gains (people, sun, appliances), °C. */
  balanceTemperatureC?: number;
  hotWaterKWhPerDay?: number;
  /** Always-on consumption, W. */
  standbyW?: number;
  /** Mean of the daily activity curve (lighting, appliances), W. */
  activityW?: number;
}

export interface OfficeLoadSpec {
  profile: 'office';
  /** Heated floor area, m². */
  areaM2?: number;
  heatLossWPerM2K?: number;
}

export type LoadSpec = HouseholdLoadSpec | OfficeLoadSpec;

export const HOUSEHOLD_DEFAULTS = { heatLossWPerK: 80, balanceTemperatureC: 17.5, hotWaterKWhPerDay: 9, standbyW: 180, activityW: 300 } as const;
export const OFFICE_DEFAULTS = { areaM2: 1500, heatLossWPerM2K: 0.6 } as const;

const SLOT_MS = 15 * 60_000;
const TANK_ELEMENT_W = 2000;

// Relative shapes over the local hour 0..23, each with mean 1.
const HOT_WATER_SHAPE = normalise([0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 2.2, 2.8, 2.0, 1.2, 0.8, 0.7, 0.8, 0.7, 0.6, 0.7, 1.0, 1.4, 1.6, 1.7, 1.8, 1.6, 1.0, 0.5]);
const ACTIVITY_SHAPE = normalise([0.35, 0.3, 0.3, 0.3, 0.3, 0.4, 0.9, 1.3, 1.1, 0.8, 0.7, 0.75, 0.85, 0.8, 0.8, 0.95, 1.3, 1.8, 2.0, 1.9, 1.75, 1.5, 1.05, 0.6]);
/** Chance per 15-minute slot that a big appliance (stove, oven, washer, dryer) runs. */
const BURST_CHANCE = [0, 0, 0, 0, 0, 0, 0.04, 0.08, 0.06, 0.04, 0.04, 0.05, 0.08, 0.05, 0.04, 0.07, 0.22, 0.3, 0.22, 0.12, 0.1, 0.07, 0.03, 0];

function normalise(shape: number[]): number[] {
  const mean = shape.reduce((a, b) => a + b, 0) / shape.length;
  return shape.map((v) => v / mean);
}

/** Linear interpolation of an hourly shape at a fractional hour, wrapping at midnight. */
function shapeAt(shape: readonly number[], hour: number): number {
  const i = Math.floor(hour) % 24;
  const f = hour - Math.floor(hour);
  return (shape[i] as number) * (1 - f) + (shape[(i + 1) % 24] as number) * f;
}

export interface LoadBreakdown {
  totalW: number;
  heatingW: number;
  hotWaterW: number;
  appliancesW: number;
}

export function householdLoad(spec: HouseholdLoadSpec, seed: number, weather: SiteWeather, atMs: number): LoadBreakdown {
  const ua = spec.heatLossWPerK ?? HOUSEHOLD_DEFAULTS.heatLossWPerK;
  const balance = spec.balanceTemperatureC ?? HOUSEHOLD_DEFAULTS.balanceTemperatureC;
  const local = norwegianLocalTime(atMs);
  const night = local.hour >= 23 || local.hour < 6;
  const outdoorC = weather.temperatureC(atMs);
  // Thermostats cycle, so the heating power wanders around what the envelope needs.
  const cycling = 1 + 0.15 * valueNoise(seed ^ 0x4ea7, atMs / (20 * 60_000));
  // Sun through the windows and people's habits lower the balance point in summer.
  const summer = (1 - Math.cos((2 * Math.PI * (local.dayNumber - 22)) / 365.25)) / 2;
  const heatingW = Math.max(0, ua * (balance - 3 * summer - (night ? 1.5 : 0) - outdoorC)) * cycling;

  const slot = Math.floor(atMs / SLOT_MS);
  const hotWaterMeanW = ((spec.hotWaterKWhPerDay ?? HOUSEHOLD_DEFAULTS.hotWaterKWhPerDay) * 1000) / 24;
  const duty = Math.min(1, (hotWaterMeanW * shapeAt(HOT_WATER_SHAPE, local.hour)) / TANK_ELEMENT_W);
  const hotWaterW = hashUnit(seed, slot, 0x77) < duty ? TANK_ELEMENT_W : 0;

  // Lighting adds in the dark half of the year.
  const darkSeason = 1 + 0.25 * Math.cos((2 * Math.PI * (local.dayNumber % 365.25)) / 365.25 - 2 * Math.PI * (10 / 365.25));
  const activity = (spec.activityW ?? HOUSEHOLD_DEFAULTS.activityW) * shapeAt(ACTIVITY_SHAPE, local.hour) * darkSeason * (1 + 0.2 * valueNoise(seed ^ 0xac7, atMs / 300_000));
  const burstChance = BURST_CHANCE[Math.floor(local.hour)] as number;
  const burstW = hashUnit(seed, slot, 0xb0) < burstChance ? 1000 + 1500 * hashUnit(seed, slot, 0xb1) : 0;
  const appliancesW = (spec.standbyW ?? HOUSEHOLD_DEFAULTS.standbyW) + activity + burstW;

  return { totalW: heatingW + hotWaterW + appliancesW, heatingW, hotWaterW, appliancesW };
}

export function officeLoad(spec: OfficeLoadSpec, seed: number, weather: SiteWeather, atMs: number): LoadBreakdown {
  const area = spec.areaM2 ?? OFFICE_DEFAULTS.areaM2;
  const local = norwegianLocalTime(atMs);
  const workday = local.weekday >= 1 && local.weekday <= 5;
  const occupied = workday && local.hour >= 7 && local.hour < 17;
  // Ventilation and heating start an hour before people arrive.
  const conditioned = workday && local.hour >= 6 && local.hour < 18;
  const outdoorC = weather.temperatureC(atMs);
  const balance = conditioned ? 18 : 14;
  const heatingW = Math.max(0, (spec.heatLossWPerM2K ?? OFFICE_DEFAULTS.heatLossWPerM2K) * area * (balance - outdoorC));
  const noise = 1 + 0.08 * valueNoise(seed ^ 0x0ff1, atMs / 600_000);
  const appliancesW = area * (occupied ? 12 : 3) * noise + (conditioned ? area * 4 : 0);
  return { totalW: heatingW + appliancesW, heatingW, hotWaterW: 0, appliancesW };
}

export function loadPower(spec: LoadSpec, seed: number, weather: SiteWeather, atMs: number): LoadBreakdown {
  return spec.profile === 'household' ? householdLoad(spec, seed, weather, atMs) : officeLoad(spec, seed, weather, atMs);
}
