// The climate a site's weather is drawn from. Only Trondheim is calibrated; other sites reuse
// its statistics with their own sun (latitude and longitude change the geometry, not the clouds).
//
// Calibration (see docs in device-sim/physics/README.md): the monthly mean clear-sky index is
// the ratio of Trondheim's long-term monthly global horizontal irradiation (≈ 760 kWh/m²/yr,
// PVGIS-SARAH / NASA POWER order of magnitude: dark, overcast winters, May–July best) to this
// model's clear-sky irradiation; the temperatures follow the 1991–2020 normals of Trondheim
// (annual mean ≈ 5.5 °C, January ≈ −2 °C, July ≈ 14 °C).

export interface Climate {
  name: string;
  /** Mean clear-sky index per month (Jan..Dec): measured global over clear-sky global. */
  monthlyClearSkyIndex: readonly number[];
  /** Probability that tomorrow's sky regime repeats today's (weather persists for days). */
  regimePersistence: number;
  annualMeanTemperatureC: number;
  /** Half the difference between the warmest and the coldest month. */
  annualTemperatureAmplitudeC: number;
  /** Day of the year of the coldest day on average. */
  coldestDayOfYear: number;
  /** Standard size of multi-day temperature anomalies (cold snaps, mild spells), K. */
  anomalyC: number;
}

export const TRONDHEIM_CLIMATE: Climate = {
  name: 'trondheim',
  monthlyClearSkyIndex: [0.29, 0.465, 0.555, 0.625, 0.65, 0.655, 0.625, 0.585, 0.535, 0.485, 0.37, 0.23],
  regimePersistence: 0.45,
  annualMeanTemperatureC: 5.5,
  annualTemperatureAmplitudeC: 8.0,
  coldestDayOfYear: 22,
  anomalyC: 3.5,
};
