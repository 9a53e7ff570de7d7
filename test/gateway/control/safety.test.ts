import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeSetpoint, type BatteryLimits } from '../../../gateway/control/safety.js';
import { batteryTarget } from '../../../gateway/control/battery-target.js';

const LIMITS: BatteryLimits = { maxChargeW: 3000, maxDischargeW: 4000, minSocPercent: 10, maxSocPercent: 90, rampWPerS: 500 };

describe('battery safety limits', () => {
  it('cuts a request to the charge and discharge power', () => {
    expect(safeSetpoint({ requestedW: 9000, limits: { ...LIMITS, rampWPerS: undefined }, socPercent: 50, previousW: 0, elapsedS: 10 })).toEqual({ powerW: 4000, limitedBy: ['discharge-power'] });
    expect(safeSetpoint({ requestedW: -9000, limits: { ...LIMITS, rampWPerS: undefined }, socPercent: 50, previousW: 0, elapsedS: 10 })).toEqual({ powerW: -3000, limitedBy: ['charge-power'] });
  });

  it('never discharges at or below the minimum state of charge, nor charges at or above the maximum', () => {
    expect(safeSetpoint({ requestedW: 1000, limits: LIMITS, socPercent: 10, previousW: 0, elapsedS: 10 }).powerW).toBe(0);
    expect(safeSetpoint({ requestedW: -1000, limits: LIMITS, socPercent: 90, previousW: 0, elapsedS: 10 }).powerW).toBe(0);
    expect(safeSetpoint({ requestedW: -1000, limits: LIMITS, socPercent: 10, previousW: 0, elapsedS: 10 }).powerW).toBe(-1000);
  });

  it('ramps: at most rampWPerS per second away from the setpoint in force', () => {
    expect(safeSetpoint({ requestedW: 4000, limits: LIMITS, socPercent: 50, previousW: 0, elapsedS: 2 })).toEqual({ powerW: 1000, limitedBy: ['ramp'] });
  });

  it('keeps the connection within its cap in both directions', () => {
    // Importing 10 kW against a 11 kW cap with the battery idle: charging 3 kW would import 13 kW.
    const r = safeSetpoint({ requestedW: -3000, limits: { ...LIMITS, rampWPerS: undefined }, socPercent: 50, previousW: 0, elapsedS: 10, batteryW: 0, gridW: 10_000, connectionCapW: 11_000 });
    expect(r).toEqual({ powerW: -1000, limitedBy: ['connection-import'] });
    const e = safeSetpoint({ requestedW: 4000, limits: { ...LIMITS, rampWPerS: undefined }, socPercent: 50, previousW: 0, elapsedS: 10, batteryW: 0, gridW: -9000, connectionCapW: 11_000 });
    expect(e).toEqual({ powerW: 2000, limitedBy: ['connection-export'] });
  });

  it('never exceeds any limit, whatever it is asked (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: -4000, max: 4000 }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (requestedW, socPercent, previousW, elapsedS) => {
          const { powerW } = safeSetpoint({ requestedW, limits: LIMITS, socPercent, previousW, elapsedS });
          expect(powerW).toBeLessThanOrEqual(LIMITS.maxDischargeW);
          expect(powerW).toBeGreaterThanOrEqual(-LIMITS.maxChargeW);
          if (socPercent <= LIMITS.minSocPercent) expect(powerW).toBeLessThanOrEqual(0);
          if (socPercent >= LIMITS.maxSocPercent) expect(powerW).toBeGreaterThanOrEqual(0);
          // The ramp holds unless a hard limit forces the battery back towards idle.
          const forced = powerW === 0 || powerW === LIMITS.maxDischargeW || powerW === -LIMITS.maxChargeW;
          if (!forced) expect(Math.abs(powerW - previousW)).toBeLessThanOrEqual(LIMITS.rampWPerS! * elapsedS + 1);
        },
      ),
    );
  });

  it('aims the battery at the traded exchange: more import than traded discharges more', () => {
    expect(batteryTarget({ gridW: 1500, batteryW: 0, targetGridW: 500 })).toBe(1000);
    expect(batteryTarget({ gridW: -2000, batteryW: 500, targetGridW: 0 })).toBe(-1500);
  });
});
