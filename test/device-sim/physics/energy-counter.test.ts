import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyCounter } from '../../../device-sim/physics/energy-counter.js';

describe('energy counter', () => {
  it('carries fractions so a million 1-second steps at 1 W add up to 277 Wh exactly', () => {
    const c = new EnergyCounter();
    for (let i = 0; i < 1_000_000; i++) c.addPower(1, 1000);
    expect(c.wh).toBe(277);
    expect(c.exactWh).toBeCloseTo(1_000_000 / 3600, 6);
  });

  it('never goes backwards and shows whole watt-hours', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ w: fc.double({ min: 0, max: 50_000, noNaN: true }), ms: fc.integer({ min: 0, max: 600_000 }) }), { maxLength: 100 }), (steps) => {
        const c = new EnergyCounter(12);
        let previous = c.wh;
        let total = 12;
        for (const s of steps) {
          c.addPower(s.w, s.ms);
          total += (s.w * s.ms) / 3_600_000;
          expect(Number.isInteger(c.wh)).toBe(true);
          expect(c.wh).toBeGreaterThanOrEqual(previous);
          previous = c.wh;
        }
        expect(Math.abs(c.exactWh - total)).toBeLessThan(1e-6 * Math.max(1, total));
      }),
    );
  });

  it('refuses negative energy (a programming error)', () => {
    expect(() => new EnergyCounter().addJoules(-1)).toThrow();
  });
});
