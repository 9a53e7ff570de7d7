import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { generateFleet } from '../../../device-sim/fleet/generate.js';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';

function world(): { world: FleetWorld; clock: SimulatedClock } {
  const r = validateFleet({
    version: 1,
    seed: 5,
    stepMs: 1000,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'b1-h1',
            pv: { kWp: 8 },
            battery: { capacityWh: 10_000, maxChargeW: 4000, maxDischargeW: 4000, initialSocPercent: 50 },
            devices: [
              { id: 'meter', kind: 'sdm630' },
              { id: 'pv', kind: 'sunspec-inverter' },
              { id: 'battery', kind: 'sunspec-storage' },
              { id: 'pulses', kind: 's0-board', pins: [{ pin: 2, counts: 'grid-import' }] },
            ],
          },
        ],
      },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 9, 0) });
  return { world: new FleetWorld(r.fleet, clock), clock };
}

describe('fleet world', () => {
  it('gives each device kind the truth it measures, following the clock', async () => {
    const { world: w, clock } = world();
    const meter = w.device('b1-h1-meter');
    const pv = w.device('b1-h1-pv');
    const battery = w.device('b1-h1-battery');
    const before = meter?.truth().energyImportWh ?? NaN;
    expect(meter?.truth()).toHaveProperty('voltageL1V');
    expect(pv?.truth().pvAcPowerW).toBeGreaterThan(0);
    expect(battery?.truth().socPercent).toBeCloseTo(50, 6);
    expect(w.device('b1-h1-pulses')?.truth()).toEqual({ energyImportWh: before, energyExportWh: meter?.truth().energyExportWh, pvEnergyWh: pv?.truth().pvEnergyWh });
    await clock.advance(3_600_000);
    expect(meter?.truth().energyImportWh).toBeGreaterThanOrEqual(before);
    expect(w.building('b1-h1')?.truth().atMs).toBe(clock.now());
  });

  it('makes the battery follow a setpoint written to the storage device', async () => {
    const { world: w, clock } = world();
    const battery = w.device('b1-h1-battery');
    battery?.onSetpoint?.({ kind: 'battery-power', deviceId: 'b1-h1-battery', atMs: clock.now(), batteryPowerW: -3000 });
    await clock.advance(600_000);
    expect(battery?.truth().batteryPowerW).toBe(-3000);
    // Ten minutes at 3 kW with 95 % charge efficiency: +475 Wh on 10 kWh.
    expect(battery?.truth().socPercent).toBeCloseTo(50 + 4.75, 6);
    expect(w.building('b1-h1')?.recentWrites.at(-1)?.kind).toBe('battery-power');
    battery?.onSetpoint?.({ kind: 'battery-auto', deviceId: 'b1-h1-battery', atMs: clock.now() });
    expect(w.building('b1-h1')?.truth().battery?.command).toEqual({ mode: 'auto' });
  });

  it('adds the water heater a board relay switches to the metered load, and takes it off again', async () => {
    const { world: w, clock } = world();
    const building = w.building('b1-h1')!;
    const board = w.device('b1-h1-pulses')!;
    // The battery on its own would cover the heater; hold it idle so the meter sees the heater.
    w.device('b1-h1-battery')?.onSetpoint?.({ kind: 'battery-power', deviceId: 'b1-h1-battery', atMs: clock.now(), batteryPowerW: 0 });
    await clock.advance(500);
    const before = building.truth();
    board.onSetpoint?.({ kind: 'relay', deviceId: 'b1-h1-pulses', atMs: clock.now(), pin: 8, on: true });
    const on = building.truth();
    // Same cell, same household load: the whole difference is the default 2 kW heater on pin 8.
    expect(on.switchedLoadW).toBe(2000);
    expect(on.netW - before.netW).toBeCloseTo(2000, 6);
    expect(w.device('b1-h1-meter')!.truth().powerW! - Number(before.netW)).toBeCloseTo(2000, 6);
    const importBefore = on.exactEnergy.loadWh;
    await clock.advance(60_000);
    // One minute of household load plus 2 kW for a minute (33.3 Wh).
    expect(building.truth().exactEnergy.loadWh - importBefore).toBeGreaterThan(2000 / 60);
    board.onSetpoint?.({ kind: 'relay', deviceId: 'b1-h1-pulses', atMs: clock.now(), pin: 8, on: false });
    expect(building.truth().switchedLoadW).toBe(0);
    // The spare output on pin 9 switches nothing.
    board.onSetpoint?.({ kind: 'relay', deviceId: 'b1-h1-pulses', atMs: clock.now(), pin: 9, on: true });
    expect(building.truth().switchedLoadW).toBe(0);
  });

  it('builds a generated fleet with a unique, fleet-wide id per device', () => {
    const r = validateFleet(JSON.parse(JSON.stringify(generateFleet({ blocks: 2, buildings: 4, seed: 9 }))));
    if (!r.ok) throw new Error('generated fleet invalid');
    const w = new FleetWorld(r.fleet, new SimulatedClock({ startMs: Date.UTC(2026, 0, 1) }));
    const ids = w.allDevices().map((d) => d.deviceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(w.buildings).toHaveLength(8);
    for (const d of w.allDevices()) expect(d.identity.deviceId).toBe(d.deviceId);
  });
});
