// Clear-sky irradiance after Ineichen and Perez (2002): global and direct from the air mass
// and the Linke turbidity, the form pvlib and PVGIS-era tools use. The turbidity follows a
// seasonal curve typical of Scandinavia (cleaner air in winter).

export interface Irradiance {
  /** Global horizontal, W/m². */
  ghiWm2: number;
  /** Direct normal, W/m². */
  dniWm2: number;
  /** Diffuse horizontal, W/m². */
  dhiWm2: number;
}

export const DARK: Irradiance = { ghiWm2: 0, dniWm2: 0, dhiWm2: 0 };

/** Relative optical air mass after Kasten and Young (1989); Infinity below the horizon. */
export function airMass(zenithDeg: number): number {
  if (zenithDeg >= 90) return Infinity;
  return 1 / (Math.cos((zenithDeg * Math.PI) / 180) + 0.50572 * (96.07995 - zenithDeg) ** -1.6364);
}

/** Linke turbidity over the year for a Nordic site: about 2.3 in midwinter, 3.3 in midsummer. */
export function nordicLinkeTurbidity(dayOfYear: number): number {
  return 2.8 + 0.5 * Math.cos((2 * Math.PI * (dayOfYear - 190)) / 365);
}

export function ineichenClearSky(zenithDeg: number, extraterrestrialWm2: number, linkeTurbidity: number, altitudeM = 0): Irradiance {
  if (zenithDeg >= 90) return DARK;
  const cosZ = Math.cos((zenithDeg * Math.PI) / 180);
  // Absolute air mass: the relative one scaled by the pressure ratio of the altitude.
  const am = airMass(zenithDeg) * Math.exp(-altitudeM / 8434.5);
  const tl = linkeTurbidity;
  const fh1 = Math.exp(-altitudeM / 8000);
  const fh2 = Math.exp(-altitudeM / 1250);
  const cg1 = 5.09e-5 * altitudeM + 0.868;
  const cg2 = 3.92e-5 * altitudeM + 0.0387;
  const ghi = Math.max(0, cg1 * extraterrestrialWm2 * cosZ * Math.exp(-cg2 * am * (fh1 + fh2 * (tl - 1))) * Math.exp(0.01 * am ** 1.8));
  const b = 0.664 + 0.163 / fh1;
  const dniModel = extraterrestrialWm2 * Math.max(0, b * Math.exp(-0.09 * am * (tl - 1)));
  // The direct beam may never exceed what the global leaves for it.
  const dniBound = ghi * Math.min(Math.max(0, (1 - (0.1 - 0.2 * Math.exp(-tl)) / (0.1 + 0.882 / fh1)) / cosZ), 1e20);
  const dni = Math.min(dniModel, dniBound);
  return { ghiWm2: ghi, dniWm2: dni, dhiWm2: Math.max(0, ghi - dni * cosZ) };
}
