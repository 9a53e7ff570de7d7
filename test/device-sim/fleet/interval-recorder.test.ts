import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateFleet, type FleetSpec } from '../../../device-sim/fleet/fleet-file.js';
import { startSimulator, type Simulator } from '../../../device-sim/fleet/simulator.js';

function spec(): FleetSpec {
  const r = validateFleet({
    version: 1,
    seed: 31,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'b1-h1',
            pv: { kWp: 9 },
            battery: { capacityWh: 8000, maxChargeW: 3000, maxDischargeW: 3000 },
            devices: [{ id: 'meter', kind: 'sdm630' }],
          },
        ],
      },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.fleet;
}

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('true interval energies', () => {
  it('records every 15-minute interval from the next boundary, adding up to the registers', async () => {
    // Seven minutes past: the first boundary is 07:15.
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 4, 20, 7, 7) });
    sim = await startSimulator(spec(), { clock, tcpOnly: true });
    const building = sim.world.building('b1-h1');
    if (!building) throw new Error('no building');
    await clock.advance(8 * 60_000);
    const atFirstBoundary = building.truth();
    await clock.advance(2 * 3_600_000);
    const intervals = sim.intervals.of('b1-h1');
    expect(intervals).toHaveLength(8);
    expect(intervals[0]?.startMs).toBe(Date.UTC(2026, 4, 20, 7, 15));
    expect(intervals.every((i) => i.endMs - i.startMs === 15 * 60_000)).toBe(true);
    const end = building.truth();
    const sum = (k: 'gridImportWh' | 'gridExportWh' | 'pvWh' | 'loadWh'): number => intervals.reduce((s, i) => s + i.energyWh[k], 0);
    for (const k of ['gridImportWh', 'gridExportWh', 'pvWh', 'loadWh'] as const) expect(sum(k)).toBeCloseTo(end.exactEnergy[k] - atFirstBoundary.exactEnergy[k], 6);
    expect(intervals[0]?.registersAtStart).toEqual(atFirstBoundary.energy);
    expect(intervals.at(-1)?.registersAtEnd).toEqual(end.energy);
    // A May morning in Trondheim: the 9 kWp array produces in every quarter.
    expect(intervals.every((i) => i.energyWh.pvWh > 0)).toBe(true);
  });

  it('marks the boundary itself when a reader has moved the building past it before the recorder timer runs', async () => {
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 4, 20, 7, 7) });
    sim = await startSimulator(spec(), { clock, tcpOnly: true });
    const building = sim.world.building('b1-h1');
    if (!building) throw new Error('no building');
    // A gateway's read lands 4 simulated seconds after each boundary, before the timer runs.
    await clock.advance(8 * 60_000 - 1);
    const at0715 = Date.UTC(2026, 4, 20, 7, 15);
    building.physics.advanceTo(at0715 + 4_000);
    await clock.advance(15 * 60_000);
    building.physics.advanceTo(at0715 + 15 * 60_000 + 4_000);
    await clock.advance(15 * 60_000 + 1);
    const intervals = sim.intervals.of('b1-h1');
    expect(intervals.map((i) => [i.startMs, i.endMs])).toEqual([
      [at0715, at0715 + 900_000],
      [at0715 + 900_000, at0715 + 1_800_000],
    ]);
  });

  it('gives each interval the battery and grid extremes of that interval alone', async () => {
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 4, 20, 7, 7) });
    sim = await startSimulator(spec(), { clock, tcpOnly: true });
    const building = sim.world.building('b1-h1');
    if (!building) throw new Error('no building');
    const at0715 = Date.UTC(2026, 4, 20, 7, 15);
    // The battery runs on its own until 07:20, charges at 2.5 kW until 07:25, then holds 0 W.
    await clock.advance(13 * 60_000);
    building.physics.commandBattery(at0715 + 5 * 60_000, { mode: 'setpoint', powerW: -2500 });
    await clock.advance(5 * 60_000);
    building.physics.commandBattery(at0715 + 10 * 60_000, { mode: 'setpoint', powerW: 0 });
    await clock.advance(20 * 60_000 + 1);
    const [first, second] = sim.intervals.of('b1-h1');
    expect(first?.extremes?.maxBatteryChargeW).toBeGreaterThanOrEqual(2500);
    expect(first?.extremes?.batteryAutoMs).toBe(5 * 60_000);
    expect(second?.startMs).toBe(at0715 + 900_000);
    expect(second?.extremes).toMatchObject({ maxBatteryChargeW: 0, maxBatteryDischargeW: 0, batteryAutoMs: 0, batteryClippedMs: 0, maxSteeredStepW: 0 });
    expect(second?.extremes?.minSocPercent).toBeCloseTo(second?.extremes?.maxSocPercent ?? NaN, 9);
    // The peak is at least the interval's average power, and within what the energies allow.
    for (const i of [first!, second!]) {
      expect(i.extremes!.maxGridImportW).toBeGreaterThanOrEqual(i.energyWh.gridImportWh * 4 - 1e-6);
      expect(i.extremes!.maxGridExportW).toBeGreaterThanOrEqual(i.energyWh.gridExportWh * 4 - 1e-6);
    }
  });

  it('serves the intervals on the control API', async () => {
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 4, 20, 12, 0) });
    sim = await startSimulator(spec(), { clock, tcpOnly: true });
    await clock.advance(3_600_000);
    const res = await fetch(`${sim.control.url}/buildings/b1-h1/intervals`);
    const body = (await res.json()) as { intervalMs: number; intervals: Array<{ start: string; energyWh: { pvWh: number } }> };
    expect(body.intervalMs).toBe(900_000);
    expect(body.intervals.map((i) => i.start)).toEqual(['2026-05-20T12:00:00.000Z', '2026-05-20T12:15:00.000Z', '2026-05-20T12:30:00.000Z', '2026-05-20T12:45:00.000Z']);
    expect(body.intervals[0]?.energyWh.pvWh).toBeCloseTo(sim.intervals.of('b1-h1')[0]?.energyWh.pvWh ?? NaN, 9);
  });
});
