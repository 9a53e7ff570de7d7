import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batteryLimits, feasiblePowerW, initialStoredWh, storedAfter, type BatterySpec } from '../../../device-sim/physics/battery.js';

const SPEC: BatterySpec = { capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 4000, chargeEfficiency: 0.95, dischargeEfficiency: 0.93, minSocPercent: 10, maxSocPercent: 95, initialSocPercent: 50 };

describe('battery', () => {
  it('never leaves its state-of-charge or power limits under random setpoints', () => {
    const lim = batteryLimits(SPEC);
    fc.assert(
      fc.property(
        fc.array(fc.record({ requestW: fc.oneof(fc.double({ min: -20_000, max: 20_000, noNaN: true }), fc.constantFrom(0, Infinity, -Infinity, NaN)), durationMs: fc.integer({ min: 1, max: 3_600_000 }) }), { minLength: 1, maxLength: 200 }),
        (steps) => {
          let stored = initialStoredWh(SPEC);
          for (const s of steps) {
            const p = feasiblePowerW(lim, stored, s.requestW, s.durationMs);
            expect(p).toBeLessThanOrEqual(SPEC.maxDischargeW);
            expect(p).toBeGreaterThanOrEqual(-SPEC.maxChargeW);
            if (Number.isFinite(s.requestW)) expect(Math.abs(p)).toBeLessThanOrEqual(Math.abs(s.requestW) + 1e-9);
            stored = storedAfter(lim, stored, p, s.durationMs);
            expect(stored).toBeGreaterThanOrEqual(lim.minWh);
            expect(stored).toBeLessThanOrEqual(lim.maxWh);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('follows a setpoint exactly while far from its limits, losing energy to efficiency', () => {
    const lim = batteryLimits(SPEC);
    const start = initialStoredWh(SPEC);
    expect(feasiblePowerW(lim, start, -2000, 3_600_000)).toBe(-2000);
    expect(storedAfter(lim, start, -2000, 3_600_000)).toBeCloseTo(start + 2000 * 0.95, 9);
    expect(feasiblePowerW(lim, start, 1000, 3_600_000)).toBe(1000);
    expect(storedAfter(lim, start, 1000, 3_600_000)).toBeCloseTo(start - 1000 / 0.93, 9);
  });

  it('clips to its power limits and tapers at the end of charge', () => {
    const lim = batteryLimits(SPEC);
    expect(feasiblePowerW(lim, 5000, 9000, 1000)).toBe(4000);
    expect(feasiblePowerW(lim, 5000, -9000, 1000)).toBe(-5000);
    // 100 Wh of room left at 95 %: one hour can take at most 100/0.95 Wh from the AC side.
    const nearlyFull = lim.maxWh - 100;
    expect(feasiblePowerW(lim, nearlyFull, -5000, 3_600_000)).toBeCloseTo(-100 / 0.95, 9);
    expect(feasiblePowerW(lim, lim.minWh, 3000, 1000)).toBe(0);
  });

  it('rejects an impossible specification at start-up', () => {
    expect(() => batteryLimits({ ...SPEC, minSocPercent: 90, maxSocPercent: 20 })).toThrow(/minSocPercent/);
    expect(() => batteryLimits({ ...SPEC, capacityWh: 0 })).toThrow(/capacityWh/);
  });
});
