// Where the sun is, from Spencer's (1971) Fourier series for declination, equation of time and
// orbit eccentricity, with the hour angle as NOAA's solar calculator computes it. Accurate to
// a few tenths of a degree, which is far inside what a cloud process smears out.

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;

export interface Site {
  latitudeDeg: number;
  longitudeDeg: number;
  /** Height above sea level, m (thins the atmosphere in the clear-sky model). */
  altitudeM?: number;
}

/** Trondheim, the default site of the project. */
export const TRONDHEIM: Site = { latitudeDeg: 63.43, longitudeDeg: 10.4, altitudeM: 50 };

export interface SolarPosition {
  /** Angle from the vertical, degrees; above 90 the sun is down. */
  zenithDeg: number;
  /** Compass bearing of the sun, degrees clockwise from north (180 = south). */
  azimuthDeg: number;
  declinationDeg: number;
  /** Day of the year, 1..366, UTC. */
  dayOfYear: number;
  /** Irradiance on a plane normal to the sun outside the atmosphere, W/m². */
  extraterrestrialWm2: number;
}

export const SOLAR_CONSTANT_WM2 = 1361;

/** Day of the year (1-based) and the hour of the day (fractional), both UTC. */
export function utcDayAndHour(atMs: number): { year: number; dayOfYear: number; hour: number; daysInYear: number } {
  const year = new Date(atMs).getUTCFullYear();
  const startMs = Date.UTC(year, 0, 1);
  const daysInYear = (Date.UTC(year + 1, 0, 1) - startMs) / DAY_MS;
  const sinceStart = atMs - startMs;
  const dayOfYear = Math.floor(sinceStart / DAY_MS) + 1;
  const hour = (sinceStart - (dayOfYear - 1) * DAY_MS) / 3_600_000;
  return { year, dayOfYear, hour, daysInYear };
}

export function solarPosition(atMs: number, site: Site): SolarPosition {
  const { dayOfYear, hour, daysInYear } = utcDayAndHour(atMs);
  // Fractional year angle, radians (NOAA's gamma).
  const g = ((2 * Math.PI) / daysInYear) * (dayOfYear - 1 + (hour - 12) / 24);
  const declination =
    0.006918 - 0.399912 * Math.cos(g) + 0.070257 * Math.sin(g) - 0.006758 * Math.cos(2 * g) + 0.000907 * Math.sin(2 * g) - 0.002697 * Math.cos(3 * g) + 0.00148 * Math.sin(3 * g);
  const equationOfTimeMin = 229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const eccentricity = 1.00011 + 0.034221 * Math.cos(g) + 0.00128 * Math.sin(g) + 0.000719 * Math.cos(2 * g) + 0.000077 * Math.sin(2 * g);

  const trueSolarMin = hour * 60 + equationOfTimeMin + 4 * site.longitudeDeg;
  const hourAngle = (trueSolarMin / 4 - 180) * DEG;
  const lat = site.latitudeDeg * DEG;

  const cosZenith = Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
  const zenith = Math.acos(Math.min(1, Math.max(-1, cosZenith)));
  const azimuth = Math.atan2(Math.sin(hourAngle), Math.cos(hourAngle) * Math.sin(lat) - Math.tan(declination) * Math.cos(lat));
  return {
    zenithDeg: zenith / DEG,
    azimuthDeg: (azimuth / DEG + 540) % 360,
    declinationDeg: declination / DEG,
    dayOfYear,
    extraterrestrialWm2: SOLAR_CONSTANT_WM2 * eccentricity,
  };
}
