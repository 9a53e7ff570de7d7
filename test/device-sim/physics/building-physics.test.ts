import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildingPhysics, type BuildingPhysicsSpec } from '../../../device-sim/physics/building-physics.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';

const SPEC: BuildingPhysicsSpec = {
  id: 'b1-h1',
  seed: 11,
  load: { profile: 'household' },
  pv: { kWp: 9 },
  battery: { capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 10, maxSocPercent: 95 },
};
const START = Date.UTC(2026, 4, 10, 4, 0);

function building(stepMs = 10_000): BuildingPhysics {
  return new BuildingPhysics(SPEC, { weather: new SiteWeather(TRONDHEIM, 3), gridSeed: 3, startMs: START, stepMs });
}

describe('building physics', () => {
  it('integrates the net flow into the grid counters exactly (energy conservation) under random setpoints', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ afterMs: fc.integer({ min: 1, max: 900_000 }), setpointW: fc.option(fc.integer({ min: -8000, max: 8000 })) }), { minLength: 1, maxLength: 40 }),
        (events) => {
          const b = building();
          let t = START;
          let netIntegralWh = 0;
          let importIntegralWh = 0;
          let balanceWh = 0;
          // Walk the cells one by one, integrating the instantaneous truth ourselves.
          for (const e of events) {
            const target = t + e.afterMs;
            while (t < target) {
              const cellEnd = Math.min(target, (Math.floor(t / b.stepMs) + 1) * b.stepMs);
              const now = b.truth();
              const hours = (cellEnd - t) / 3_600_000;
              netIntegralWh += now.netW * hours;
              importIntegralWh += Math.max(0, now.netW) * hours;
              balanceWh += (now.loadW - now.pvAcW - now.batteryW - now.netW) * hours;
              b.advanceTo(cellEnd);
              t = cellEnd;
            }
            b.commandBattery(t, e.setpointW === null ? { mode: 'auto' } : { mode: 'setpoint', powerW: e.setpointW });
          }
          const energy = b.truth().exactEnergy;
          expect(energy.gridImportWh - energy.gridExportWh).toBeCloseTo(netIntegralWh, 6);
          expect(energy.gridImportWh).toBeCloseTo(importIntegralWh, 6);
          expect(balanceWh).toBeCloseTo(0, 9);
          // Load = PV + battery + grid, over the whole run.
          expect(energy.loadWh).toBeCloseTo(energy.pvWh + energy.batteryDischargeWh - energy.batteryChargeWh + energy.gridImportWh - energy.gridExportWh, 6);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives the same result whether it is asked every second or once an hour', () => {
    const often = building();
    for (let t = START; t <= START + 3_600_000; t += 1000) often.advanceTo(t);
    const rarely = building();
    rarely.advanceTo(START + 3_600_000);
    const a = rarely.truth();
    const b = often.truth();
    // Equal up to float rounding of the many small pieces.
    expect(a.netW).toBeCloseTo(b.netW, 9);
    expect(a.battery?.storedWh).toBeCloseTo(b.battery?.storedWh ?? NaN, 6);
    for (const k of Object.keys(a.exactEnergy) as Array<keyof typeof a.exactEnergy>) expect(a.exactEnergy[k]).toBeCloseTo(b.exactEnergy[k], 6);
  });

  it('keeps counters that never go backwards and a battery inside its limits over a day', () => {
    const b = building(60_000);
    let previous = b.truth().energy;
    for (let t = START; t < START + 86_400_000; t += 600_000) {
      b.advanceTo(t);
      const truth = b.truth();
      for (const k of Object.keys(previous) as Array<keyof typeof previous>) expect(truth.energy[k]).toBeGreaterThanOrEqual(previous[k]);
      expect(truth.battery?.socPercent).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(truth.battery?.socPercent).toBeLessThanOrEqual(95 + 1e-9);
      previous = truth.energy;
      if (t % 7_200_000 === 0) b.commandBattery(t, { mode: 'setpoint', powerW: (t / 600_000) % 2 === 0 ? -5000 : 5000 });
    }
  });

  it('shows the grid meter the same net power as the truth, split over three phases', () => {
    const b = building();
    b.advanceTo(START + 6 * 3_600_000);
    const meter = b.gridMeterValues();
    const truth = b.truth();
    expect(meter.powerW).toBeCloseTo(truth.netW, 6);
    expect((meter.powerL1W ?? 0) + (meter.powerL2W ?? 0) + (meter.powerL3W ?? 0)).toBeCloseTo(truth.netW, 6);
    expect(meter.energyImportWh).toBe(truth.energy.gridImportWh);
    // Balanced phases would leave no neutral current; an uneven split leaves some, less than the largest phase.
    expect(meter.currentNA).toBeGreaterThan(0);
    expect(meter.currentNA).toBeLessThan(Math.max(meter.currentL1A ?? 0, meter.currentL2A ?? 0, meter.currentL3A ?? 0));
    expect((meter.reactivePowerImportVar ?? 0) - (meter.reactivePowerExportVar ?? 0)).toBeCloseTo(meter.reactivePowerVar ?? NaN, 9);
    expect(meter.voltageL1V).toBeGreaterThan(220);
    expect(meter.voltageL1V).toBeLessThan(245);
    expect(meter.frequencyHz).toBeGreaterThan(49.9);
    expect(meter.frequencyHz).toBeLessThan(50.1);
  });

  it('lets the battery cover the net load by itself in auto mode', () => {
    const b = building();
    // An evening with little sun: the battery discharges to hold the import near zero.
    b.advanceTo(Date.UTC(2026, 4, 10, 19, 0));
    const truth = b.truth();
    expect(truth.batteryW).toBeGreaterThan(0);
    expect(Math.abs(truth.netW)).toBeLessThan(1e-6);
  });
});
