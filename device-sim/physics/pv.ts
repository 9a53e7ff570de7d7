// PV output: plane-of-array irradiance under the site's weather, a cell temperature from the
// NOCT model, a linear power temperature coefficient, lumped DC losses and an inverter with an
// efficiency and an AC limit. The loss defaults add up to PVGIS's customary 14 %.
import { planeOfArray, type ArrayOrientation } from './plane-of-array.js';
import type { SiteWeather, WeatherSample } from './weather.js';

export interface PvArraySpec {
  /** Nameplate DC power at standard test conditions, kWp. */
  kWp: number;
  /** Tilt, degrees; Norwegian roofs are steep, 35–45° is common. */
  tiltDeg?: number;
  /** Compass bearing, degrees (180 = south). */
  azimuthDeg?: number;
  albedo?: number;
  /** Soiling, snow, mismatch, wiring, ageing: share of DC power lost. */
  dcLossFraction?: number;
  inverterEfficiency?: number;
  /** The inverter's AC limit, W; defaults to the array's nameplate. */
  inverterAcLimitW?: number;
  /** Relative power change per kelvin of cell temperature above 25 °C (c-Si: −0.4 %/K). */
  powerTempCoefficientPerK?: number;
  /** Nominal operating cell temperature, °C. */
  noctC?: number;
}

export interface PvOutput {
  acPowerW: number;
  dcPowerW: number;
  poaWm2: number;
  cellTemperatureC: number;
}

export const PV_DEFAULTS = {
  tiltDeg: 40,
  azimuthDeg: 180,
  albedo: 0.2,
  dcLossFraction: 0.1,
  inverterEfficiency: 0.96,
  powerTempCoefficientPerK: -0.004,
  noctC: 45,
} as const;

export function pvOutputFrom(spec: PvArraySpec, w: WeatherSample): PvOutput {
  const orientation: ArrayOrientation = {
    tiltDeg: spec.tiltDeg ?? PV_DEFAULTS.tiltDeg,
    azimuthDeg: spec.azimuthDeg ?? PV_DEFAULTS.azimuthDeg,
    albedo: spec.albedo ?? PV_DEFAULTS.albedo,
  };
  const poa = planeOfArray(w.actual, w.sun, orientation).poaWm2;
  const noct = spec.noctC ?? PV_DEFAULTS.noctC;
  const cellTemperatureC = w.temperatureC + (poa * (noct - 20)) / 800;
  if (poa <= 0) return { acPowerW: 0, dcPowerW: 0, poaWm2: 0, cellTemperatureC };
  const gamma = spec.powerTempCoefficientPerK ?? PV_DEFAULTS.powerTempCoefficientPerK;
  const dcPowerW = Math.max(0, spec.kWp * poa * (1 + gamma * (cellTemperatureC - 25)) * (1 - (spec.dcLossFraction ?? PV_DEFAULTS.dcLossFraction)));
  const acLimitW = spec.inverterAcLimitW ?? spec.kWp * 1000;
  const acPowerW = Math.min(acLimitW, dcPowerW * (spec.inverterEfficiency ?? PV_DEFAULTS.inverterEfficiency));
  return { acPowerW, dcPowerW, poaWm2: poa, cellTemperatureC };
}

/** PV output of an array under a site's weather at one instant. */
export function pvOutput(spec: PvArraySpec, weather: SiteWeather, atMs: number): PvOutput {
  return pvOutputFrom(spec, weather.sample(atMs));
}
