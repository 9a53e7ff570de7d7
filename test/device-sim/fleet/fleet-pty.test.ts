// A fleet with pseudo-terminal devices (needs socat and mbpoll): mbpoll reads the RTU bus of
// a building and a HAN meter's frames decode with protocols/han, both to the building's truth.
// The clock is stepped by hand, so the truth holds still while the clients read.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { createHanReader } from '../../../protocols/han/index.js';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { startFleet, type RunningFleet } from '../../../device-sim/fleet/fleet-runner.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { SerialTestClient } from '../transports/serial-test-client.js';
import { mbpoll, requireTool } from '../transports/tools.js';

let running: RunningFleet | undefined;
let client: SerialTestClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await running?.close();
  running = undefined;
});

async function fleet(): Promise<{ clock: SimulatedClock; world: FleetWorld; running: RunningFleet }> {
  requireTool('socat');
  requireTool('mbpoll');
  const r = validateFleet({
    version: 1,
    seed: 12,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'b1-h1',
            pv: { kWp: 7 },
            rtuBuses: [{ id: 'rs485', baudRate: 9600 }],
            devices: [
              { id: 'meter', kind: 'sdm630', transport: 'modbus-rtu', bus: 'rs485', unitId: 1 },
              { id: 'pv', kind: 'sunspec-inverter', transport: 'modbus-rtu', bus: 'rs485', unitId: 2 },
              { id: 'ams', kind: 'han', vendor: 'aidon' },
            ],
          },
        ],
      },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  // Five past the hour: the 10-second frame is a list 2 (list 3 goes out at hh:00:10).
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 10, 5, 1) });
  const world = new FleetWorld(r.fleet, clock);
  running = await startFleet(world);
  return { clock, world, running };
}

describe('fleet on pseudo-terminals (needs socat and mbpoll)', () => {
  it('serves two unit ids on one RTU pty bus that mbpoll reads as the truth', async () => {
    const { world, running: fleetRun } = await fleet();
    const meter = fleetRun.endpoints.get('b1-h1-meter');
    const pv = fleetRun.endpoints.get('b1-h1-pv');
    if (meter?.transport !== 'modbus-rtu' || pv?.transport !== 'modbus-rtu') throw new Error('not on RTU');
    expect(pv.path).toBe(meter.path);
    expect(existsSync(meter.path)).toBe(true);
    // SDM630 total system power, input register 30053 (float32, big-endian words).
    const read = await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-r', '53', '-c', '2', '-t', '3:float', '-B', meter.path]);
    const truth = world.building('b1-h1')?.truth();
    const powerW = read.get(53) ?? NaN;
    expect(Math.abs(powerW - (truth?.netW ?? NaN))).toBeLessThan(Math.max(0.01, Math.abs(truth?.netW ?? 0) * 1e-5));
    // Unit 2 on the same bus is the SunSpec inverter: 'SunS' at 40001 (reference, 1-based).
    const suns = await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '2', '-r', '40001', '-c', '2', '-t', '4:hex', pv.path]);
    expect([suns.get(40001), suns.get(40002)]).toEqual([0x5375, 0x6e53]);
  }, 30_000);

  it('pushes HAN list 2 frames that decode to the grid meter truth', async () => {
    const { clock, world, running: fleetRun } = await fleet();
    const han = fleetRun.endpoints.get('b1-h1-ams');
    if (han?.transport !== 'han') throw new Error('no HAN endpoint');
    const reader = createHanReader();
    const frames: Array<{ list: number; powerImportW: number | undefined; powerExportW: number | undefined; meterId: string | undefined }> = [];
    const rejected: string[] = [];
    const opened = await SerialTestClient.open(han.path, han.baudRate);
    client = opened;
    const pump = async (): Promise<void> => {
      for (;;) {
        const chunk = await opened.take(1);
        for (const r of reader.push(chunk)) {
          if (r.result.ok) frames.push({ list: r.result.value.list, powerImportW: r.result.value.values.powerImportW, powerExportW: r.result.value.values.powerExportW, meterId: r.result.value.meterId });
          else rejected.push(r.result.error.kind);
        }
      }
    };
    void pump().catch(() => undefined);
    // Step to the next 10-second boundary: a list 2 frame goes out with the truth of that instant.
    await clock.advance(9_000);
    const truth = world.building('b1-h1')?.truth();
    await vi.waitFor(() => expect(frames.some((f) => f.list === 2)).toBe(true), { timeout: 5000 });
    const list2 = frames.find((f) => f.list === 2);
    expect(list2).toBeDefined();
    expect(rejected).toEqual([]);
    expect(list2?.powerImportW).toBe(Math.round(Math.max(0, truth?.netW ?? NaN)));
    expect(list2?.powerExportW).toBe(Math.round(Math.max(0, -(truth?.netW ?? NaN))));
    expect(list2?.meterId).toBe(world.device('b1-h1-ams')?.identity.meterId);
  }, 30_000);
});
