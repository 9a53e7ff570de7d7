import { describe, expect, it } from 'vitest';
import { airMass, ineichenClearSky } from '../../../device-sim/physics/clear-sky.js';
import { erbsSplit, planeOfArray } from '../../../device-sim/physics/plane-of-array.js';
import { solarPosition, TRONDHEIM } from '../../../device-sim/physics/solar-position.js';

describe('clear-sky irradiance', () => {
  it('is dark below the horizon', () => {
    expect(ineichenClearSky(95, 1361, 3)).toEqual({ ghiWm2: 0, dniWm2: 0, dhiWm2: 0 });
    expect(airMass(90.5)).toBe(Infinity);
  });

  it('gives the textbook global irradiance for an overhead sun (about 1000–1100 W/m²)', () => {
    const irr = ineichenClearSky(0, 1361, 3);
    expect(irr.ghiWm2).toBeGreaterThan(950);
    expect(irr.ghiWm2).toBeLessThan(1120);
    expect(irr.dniWm2 + irr.dhiWm2).toBeCloseTo(irr.ghiWm2, 6);
  });

  it('closes global = direct × cos(zenith) + diffuse at every sun height', () => {
    for (const z of [10, 30, 50, 70, 85, 89]) {
      const irr = ineichenClearSky(z, 1361, 3);
      expect(irr.dniWm2 * Math.cos((z * Math.PI) / 180) + irr.dhiWm2).toBeCloseTo(irr.ghiWm2, 6);
      const cloudy = erbsSplit(irr.ghiWm2 * 0.4, z, 1361, irr.dniWm2);
      expect(cloudy.dniWm2 * Math.cos((z * Math.PI) / 180) + cloudy.dhiWm2).toBeCloseTo(cloudy.ghiWm2, 6);
      expect(cloudy.dhiWm2 / cloudy.ghiWm2).toBeGreaterThan(0.7);
    }
  });

  it('puts more irradiance on a 40° south-facing array than on the ground at Trondheim midsummer noon', () => {
    const sun = solarPosition(Date.UTC(2026, 5, 21, 11, 18), TRONDHEIM);
    const irr = ineichenClearSky(sun.zenithDeg, sun.extraterrestrialWm2, 3.3);
    const poa = planeOfArray(irr, sun, { tiltDeg: 40, azimuthDeg: 180 });
    expect(poa.poaWm2).toBeGreaterThan(irr.ghiWm2 * 1.1);
    expect(poa.poaWm2).toBeLessThan(1100);
    // A steep north-facing array (60°) has the sun behind it: diffuse light only.
    const north = planeOfArray(irr, sun, { tiltDeg: 60, azimuthDeg: 0 });
    expect(north.beamWm2).toBe(0);
  });
});
