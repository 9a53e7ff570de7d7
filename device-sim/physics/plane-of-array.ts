// Irradiance on a tilted PV array: the Erbs et al. (1982) split of a global value into direct
// and diffuse (needed under clouds), the Hay–Davies sky model for the diffuse that reaches a
// tilted plane, ground reflection, and the ASHRAE incidence-angle loss of the glass.
import type { Irradiance } from './clear-sky.js';
import type { SolarPosition } from './solar-position.js';

const DEG = Math.PI / 180;

export interface ArrayOrientation {
  /** Tilt from horizontal, degrees (0 flat, 90 a wall). */
  tiltDeg: number;
  /** Compass bearing the array faces, degrees clockwise from north (180 = south). */
  azimuthDeg: number;
  /** Ground reflectance; 0.2 for grass and roofs. */
  albedo?: number;
}

/** Splits a global horizontal value into direct and diffuse with the Erbs correlation. */
export function erbsSplit(ghiWm2: number, zenithDeg: number, extraterrestrialWm2: number, dniCeilingWm2: number): Irradiance {
  if (zenithDeg >= 90 || ghiWm2 <= 0) return { ghiWm2: Math.max(0, ghiWm2), dniWm2: 0, dhiWm2: Math.max(0, ghiWm2) };
  const cosZ = Math.cos(zenithDeg * DEG);
  const kt = Math.min(1, ghiWm2 / (extraterrestrialWm2 * Math.max(cosZ, 0.065)));
  let kd: number;
  if (kt <= 0.22) kd = 1 - 0.09 * kt;
  else if (kt <= 0.8) kd = 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  else kd = 0.165;
  const dhi = kd * ghiWm2;
  // Near the horizon the split can ask for an absurd beam; the clear-sky beam bounds it.
  const dni = Math.min((ghiWm2 - dhi) / Math.max(cosZ, 0.065), dniCeilingWm2);
  return { ghiWm2, dniWm2: Math.max(0, dni), dhiWm2: ghiWm2 - Math.max(0, dni) * cosZ };
}

/** Cosine of the angle between the sun and the array's normal (negative: sun behind it). */
export function cosIncidence(sun: SolarPosition, array: ArrayOrientation): number {
  const z = sun.zenithDeg * DEG;
  const t = array.tiltDeg * DEG;
  return Math.cos(z) * Math.cos(t) + Math.sin(z) * Math.sin(t) * Math.cos((sun.azimuthDeg - array.azimuthDeg) * DEG);
}

/** ASHRAE incidence-angle modifier with b0 = 0.05: the glass reflects more of a slanting beam. */
export function incidenceAngleModifier(cosTheta: number): number {
  if (cosTheta <= 0.05) return 0;
  return Math.max(0, 1 - 0.05 * (1 / cosTheta - 1));
}

export interface PlaneOfArray {
  poaWm2: number;
  beamWm2: number;
  skyDiffuseWm2: number;
  groundWm2: number;
}

/** Irradiance reaching the cells of a tilted array (after the incidence-angle loss of the beam). */
export function planeOfArray(irr: Irradiance, sun: SolarPosition, array: ArrayOrientation): PlaneOfArray {
  if (sun.zenithDeg >= 90 || irr.ghiWm2 <= 0) return { poaWm2: 0, beamWm2: 0, skyDiffuseWm2: 0, groundWm2: 0 };
  const cosT = cosIncidence(sun, array);
  const cosZ = Math.max(Math.cos(sun.zenithDeg * DEG), 0.087);
  const tilt = array.tiltDeg * DEG;
  const beam = irr.dniWm2 * Math.max(0, cosT) * incidenceAngleModifier(cosT);
  // Hay–Davies: a share of the diffuse comes from around the sun (anisotropy index Ai).
  const ai = Math.min(1, irr.dniWm2 / sun.extraterrestrialWm2);
  const rb = Math.max(0, cosT) / cosZ;
  const sky = irr.dhiWm2 * (ai * rb + (1 - ai) * ((1 + Math.cos(tilt)) / 2));
  const ground = irr.ghiWm2 * (array.albedo ?? 0.2) * ((1 - Math.cos(tilt)) / 2);
  return { poaWm2: beam + sky + ground, beamWm2: beam, skyDiffuseWm2: sky, groundWm2: ground };
}
