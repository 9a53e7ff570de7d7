import { describe, expect, it } from 'vitest';
import { BuildingPhysics, type BuildingPhysicsSpec } from '../../../device-sim/physics/building-physics.js';
import { LimitWatch } from '../../../device-sim/physics/limit-watch.js';
import { TRONDHEIM } from '../../../device-sim/physics/solar-position.js';
import { SiteWeather } from '../../../device-sim/physics/weather.js';

// No PV, so only the load and the battery move the grid; a January night in Trondheim.
const SPEC: BuildingPhysicsSpec = {
  id: 'b1-h1',
  seed: 11,
  load: { profile: 'household' },
  battery: { capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 10, maxSocPercent: 95, initialSocPercent: 50, chargeEfficiency: 0.95, dischargeEfficiency: 0.95 },
};
const START = Date.UTC(2026, 0, 10, 1, 0);
const MIN = 60_000;

function building(spec: BuildingPhysicsSpec = SPEC): BuildingPhysics {
  return new BuildingPhysics(spec, { weather: new SiteWeather(TRONDHEIM, 3), gridSeed: 3, startMs: START, stepMs: 1000 });
}

describe('limit watch on the physics truth', () => {
  it('keeps the extremes of a hand-made sequence of pieces, and starts afresh after a take', () => {
    const w = new LimitWatch(true);
    w.observe(1000, -2000, 500, 50, 50.5, false, true);
    w.observe(500, 3000, -1200, 50.5, 50.1, true, true); // clipped: its jump does not count
    w.observe(1000, 0, 800, 50.1, 50.1, false, false); // auto: neither
    w.observe(1000, -1000, 1700, 50.1, 50.3, false, true); // steered jump 0 → −1000
    expect(w.take()).toEqual({
      maxBatteryChargeW: 2000,
      maxBatteryDischargeW: 3000,
      minSocPercent: 50,
      maxSocPercent: 50.5,
      maxGridImportW: 1700,
      maxGridExportW: 1200,
      maxSteeredStepW: 1000,
      batteryClippedMs: 500,
      batteryAutoMs: 1000,
    });
    w.observe(1000, -1500, 100, 50.3, 50.4, false, true);
    // The battery's last power carries over the take: −1000 → −1500.
    expect(w.take()).toMatchObject({ maxBatteryChargeW: 1500, maxBatteryDischargeW: 0, minSocPercent: 50.3, maxSocPercent: 50.4, maxSteeredStepW: 500, batteryClippedMs: 0, batteryAutoMs: 0 });
  });

  it('leaves SoC out for a building without a battery and still watches its grid power', () => {
    const w = new LimitWatch(false);
    w.observe(1000, 0, -300, 0, 0, false, false);
    const x = w.take();
    expect(x.minSocPercent).toBeUndefined();
    expect(x.maxGridExportW).toBe(300);
    expect(x.batteryAutoMs).toBe(0);
  });

  it('sees a setpoint beyond the charge limit cut to the limit, the SoC it reaches and the grid peak, by hand', () => {
    const b = building();
    const watch = b.watchLimits();
    b.commandBattery(START, { mode: 'setpoint', powerW: -8000 });
    // Walk the cells to know the true grid peak independently of the watch.
    let peakImportW = 0;
    for (let t = START; t < START + 10 * MIN; t += 1000) {
      b.advanceTo(t);
      peakImportW = Math.max(peakImportW, b.truth().netW);
    }
    b.advanceTo(START + 10 * MIN);
    const charging = watch.take();
    expect(charging.maxBatteryChargeW).toBe(5000);
    expect(charging.maxBatteryDischargeW).toBe(0);
    expect(charging.batteryClippedMs).toBe(10 * MIN);
    expect(charging.batteryAutoMs).toBe(0);
    // 5 kW for 1/6 h at 95 %: 791.67 Wh into 10 kWh, 50 % → 57.917 %.
    expect(charging.minSocPercent).toBeCloseTo(50, 9);
    expect(charging.maxSocPercent).toBeCloseTo(50 + (5000 / 6) * 0.95 / 100, 6);
    expect(charging.maxGridImportW).toBeCloseTo(peakImportW, 6);
    expect(charging.maxGridImportW).toBeGreaterThan(5000);
    expect(charging.maxGridExportW).toBe(0);

    b.commandBattery(START + 10 * MIN, { mode: 'setpoint', powerW: 2000 });
    b.advanceTo(START + 20 * MIN);
    const discharging = watch.take();
    expect(discharging.maxBatteryDischargeW).toBe(2000);
    expect(discharging.maxBatteryChargeW).toBe(0);
    expect(discharging.batteryClippedMs).toBe(0);
    // −5000 → +2000 at the instant of the write.
    expect(discharging.maxSteeredStepW).toBe(7000);
    // 2 kW for 1/6 h out of the AC side at 95 %: 350.88 Wh from storage, −3.509 %.
    expect(discharging.maxSocPercent).toBeCloseTo(charging.maxSocPercent!, 9);
    expect(discharging.minSocPercent).toBeCloseTo(charging.maxSocPercent! - 2000 / 6 / 0.95 / 100, 6);
    watch.stop();
  });

  it('counts the time a battery at its SoC floor cannot give what it is asked, and the floor it stops at', () => {
    const b = building({ ...SPEC, battery: { ...SPEC.battery!, initialSocPercent: 11 } });
    const watch = b.watchLimits();
    b.commandBattery(START, { mode: 'setpoint', powerW: 5000 });
    b.advanceTo(START + 10 * MIN);
    const x = watch.take();
    // 1 % of 10 kWh at 95 % gives 95 Wh: 68.4 s at 5 kW, then the floor.
    expect(x.minSocPercent).toBeCloseTo(10, 6);
    expect(x.maxBatteryDischargeW).toBe(5000);
    expect(x.batteryClippedMs).toBeGreaterThan(10 * MIN - 70_000);
    expect(x.batteryClippedMs).toBeLessThan(10 * MIN - 67_000);
  });

  it('counts the time the battery runs on its own control', () => {
    const b = building();
    const watch = b.watchLimits();
    b.advanceTo(START + 5 * MIN);
    b.commandBattery(START + 5 * MIN, { mode: 'setpoint', powerW: 0 });
    b.advanceTo(START + 15 * MIN);
    expect(watch.take().batteryAutoMs).toBe(5 * MIN);
    watch.stop();
    b.advanceTo(START + 20 * MIN);
    expect(watch.take().maxGridImportW).toBe(0);
  });
});
