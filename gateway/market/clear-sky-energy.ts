// Clear-sky energy on a tilted plane per interval (Wh/m²) for the PV forecast: the sun's arc
// at the site from the same solar-position and Ineichen clear-sky models the simulator uses
// (device-sim/physics), so the forecast knows the shape of a clear day before it has seen one.
import { ineichenClearSky, nordicLinkeTurbidity } from '../../device-sim/physics/clear-sky.js';
import { planeOfArray, type ArrayOrientation } from '../../device-sim/physics/plane-of-array.js';
import { solarPosition, type Site } from '../../device-sim/physics/solar-position.js';

export interface PvSite {
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM?: number;
  /** Array tilt and bearing; a steep south roof (40°, 180°) when unknown. */
  tiltDeg?: number;
  azimuthDeg?: number;
}

const SAMPLES = 6;

/** Clear-sky irradiation on the array's plane over [startMs, startMs + intervalMs), Wh/m². */
export function clearSkyPlaneWhPerM2(site: PvSite, startMs: number, intervalMs: number): number {
  const where: Site = { latitudeDeg: site.latitudeDeg, longitudeDeg: site.longitudeDeg, altitudeM: site.altitudeM ?? 0 };
  const orientation: ArrayOrientation = { tiltDeg: site.tiltDeg ?? 40, azimuthDeg: site.azimuthDeg ?? 180, albedo: 0.2 };
  let sum = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t = startMs + ((i + 0.5) * intervalMs) / SAMPLES;
    const sun = solarPosition(t, where);
    const irr = ineichenClearSky(sun.zenithDeg, sun.extraterrestrialWm2, nordicLinkeTurbidity(sun.dayOfYear), where.altitudeM);
    sum += planeOfArray(irr, sun, orientation).poaWm2;
  }
  return ((sum / SAMPLES) * intervalMs) / 3_600_000;
}
