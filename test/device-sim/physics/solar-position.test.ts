import { describe, expect, it } from 'vitest';
import { solarPosition, TRONDHEIM } from '../../../device-sim/physics/solar-position.js';

describe('solar position', () => {
  it('puts the midsummer sun about 50° high and due south at Trondheim solar noon', () => {
    // Solar noon at 10.40°E is about 11:18 UTC at the June solstice.
    let best = { zenithDeg: 180, azimuthDeg: 0 };
    for (let m = 10 * 60; m < 13 * 60; m++) {
      const p = solarPosition(Date.UTC(2026, 5, 21, 0, m), TRONDHEIM);
      if (p.zenithDeg < best.zenithDeg) best = p;
    }
    expect(90 - best.zenithDeg).toBeGreaterThan(49.5);
    expect(90 - best.zenithDeg).toBeLessThan(50.5);
    expect(best.azimuthDeg).toBeGreaterThan(178);
    expect(best.azimuthDeg).toBeLessThan(182);
  });

  it('keeps the midwinter sun barely above the horizon (about 3°)', () => {
    const p = solarPosition(Date.UTC(2026, 11, 21, 11, 18), TRONDHEIM);
    expect(90 - p.zenithDeg).toBeGreaterThan(2.5);
    expect(90 - p.zenithDeg).toBeLessThan(3.8);
  });

  it('has the sun in the east in the morning and below the horizon at midwinter midnight', () => {
    const morning = solarPosition(Date.UTC(2026, 5, 21, 5, 0), TRONDHEIM);
    expect(morning.azimuthDeg).toBeGreaterThan(45);
    expect(morning.azimuthDeg).toBeLessThan(135);
    expect(solarPosition(Date.UTC(2026, 11, 21, 23, 0), TRONDHEIM).zenithDeg).toBeGreaterThan(90);
  });

  it('gives an extraterrestrial irradiance that is higher in January (perihelion) than in July', () => {
    const jan = solarPosition(Date.UTC(2026, 0, 3, 12), TRONDHEIM).extraterrestrialWm2;
    const jul = solarPosition(Date.UTC(2026, 6, 4, 12), TRONDHEIM).extraterrestrialWm2;
    expect(jan).toBeGreaterThan(1400);
    expect(jul).toBeLessThan(1330);
  });
});
