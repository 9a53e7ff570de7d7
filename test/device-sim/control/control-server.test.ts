import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { startControlServer, type ControlServer } from '../../../device-sim/control/control-server.js';
import { FaultSwitch, ReportedValues } from '../../../device-sim/devices/faults.js';
import type { DeviceEndpoint, SimulatedDevice } from '../../../device-sim/devices/simulated-device.js';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { FleetWorld, type DevicePlan } from '../../../device-sim/fleet/fleet-world.js';

/** A device as a transport would run it: the real fault switch and value faults, no wire. */
function deviceFor(plan: DevicePlan): SimulatedDevice {
  const faults = new FaultSwitch();
  const reported = new ReportedValues(plan.truth, faults);
  const endpoint: DeviceEndpoint = { transport: 'modbus-tcp', host: '127.0.0.1', port: 15020, unitId: 1 };
  return { identity: plan.identity, faults, endpoint: () => endpoint, reportedValues: () => reported.read() };
}

let server: ControlServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(): Promise<{ clock: SimulatedClock; world: FleetWorld; url: string }> {
  const r = validateFleet({
    version: 1,
    seed: 3,
    blocks: [{ id: 'b1', buildings: [{ id: 'b1-h1', pv: { kWp: 6 }, devices: [{ id: 'meter', kind: 'sdm630' }, { id: 'pv', kind: 'sunspec-inverter' }] }] }],
  });
  if (!r.ok) throw new Error('fleet invalid');
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 8, 0) });
  const world = new FleetWorld(r.fleet, clock);
  const devices = new Map(world.allDevices().filter((p) => p.localId === 'meter').map((p) => [p.deviceId, deviceFor(p)] as const));
  server = await startControlServer({ world, clock, devices });
  return { clock, world, url: server.url };
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

describe('control API', () => {
  it('listens on loopback on a port picked at run time and tells the simulated time', async () => {
    const { clock, url } = await setUp();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { body } = await json(`${url}/clock`);
    expect(body).toMatchObject({ nowMs: clock.now(), now: '2026-06-21T08:00:00.000Z', speed: 'manual' });
  });

  it('returns the truth of a building and a device, integrated as the clock is stepped', async () => {
    const { clock, world, url } = await setUp();
    const first = await json(`${url}/buildings/b1-h1`);
    expect(first.status).toBe(200);
    await clock.advance(2 * 3_600_000);
    const later = await json(`${url}/buildings/b1-h1`);
    expect(later.body.truth.atMs).toBe(clock.now());
    expect(later.body.truth.energy.pvWh).toBeGreaterThan(first.body.truth.energy.pvWh);
    expect(later.body.truth.energy).toEqual(world.building('b1-h1')?.truth().energy);
    const meter = await json(`${url}/devices/b1-h1-meter`);
    expect(meter.body.truth.energyImportWh).toBe(later.body.truth.energy.gridImportWh);
    expect(meter.body.reported).toEqual(meter.body.truth);
    expect(meter.body.endpoint).toEqual({ transport: 'modbus-tcp', host: '127.0.0.1', port: 15020, unitId: 1 });
  });

  it('switches a fault on a device: frozen values stop following the truth until cleared', async () => {
    const { clock, url } = await setUp();
    const put = await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ kind: 'frozen-values' }) });
    expect(put.body.faults).toEqual([{ kind: 'frozen-values' }]);
    const frozenAt = (await json(`${url}/devices/b1-h1-meter`)).body;
    await clock.advance(3_600_000);
    const during = (await json(`${url}/devices/b1-h1-meter`)).body;
    expect(during.reported).toEqual(frozenAt.reported);
    expect(during.truth.energyImportWh + during.truth.energyExportWh).toBeGreaterThan(frozenAt.truth.energyImportWh + frozenAt.truth.energyExportWh);
    expect((await json(`${url}/devices/b1-h1-meter/faults`)).body.faults).toEqual([{ kind: 'frozen-values' }]);
    const cleared = await json(`${url}/devices/b1-h1-meter/faults/frozen-values`, { method: 'DELETE' });
    expect(cleared.body.faults).toEqual([]);
    const after = (await json(`${url}/devices/b1-h1-meter`)).body;
    expect(after.reported).toEqual(after.truth);
  });

  it('replaces the whole fault set with a list and rejects invalid faults with their path', async () => {
    const { url } = await setUp();
    const set = await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ faults: [{ kind: 'late-answer', delayMs: 300 }, { kind: 'exception', code: 6 }] }) });
    expect(set.body.faults).toEqual([{ kind: 'late-answer', delayMs: 300 }, { kind: 'exception', code: 6 }]);
    const bad = await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ kind: 'late-answer', delayMs: -5 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe('delayMs');
    const notModbus = await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ kind: 'exception', code: 99 }) });
    expect(notModbus.status).toBe(400);
    // The refused PUTs left the previous set in place, not half of a new one.
    expect((await json(`${url}/devices/b1-h1-meter/faults`)).body.faults).toEqual(set.body.faults);
    await json(`${url}/devices/b1-h1-meter/faults`, { method: 'DELETE' });
    expect((await json(`${url}/devices/b1-h1-meter/faults`)).body.faults).toEqual([]);
  });

  it('answers 404 for unknown devices and 409 for faults on a device that is not running', async () => {
    const { url } = await setUp();
    expect((await json(`${url}/devices/nope`)).status).toBe(404);
    expect((await json(`${url}/devices/b1-h1-pv/faults`, { method: 'PUT', body: '{"kind":"no-answer"}' })).status).toBe(409);
    const list = await json(`${url}/devices`);
    expect(list.body.map((d: { deviceId: string; running: boolean }) => [d.deviceId, d.running])).toEqual([
      ['b1-h1-meter', true],
      ['b1-h1-pv', false],
    ]);
  });

  it('switches the control faults (slow-ramp, stuck-relay) like the others, by kind', async () => {
    const { url } = await setUp();
    const set = await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ faults: [{ kind: 'slow-ramp', fraction: 0.01 }, { kind: 'stuck-relay', pin: 8 }] }) });
    expect(set.status).toBe(200);
    expect(set.body.faults).toEqual([{ kind: 'slow-ramp', fraction: 0.01 }, { kind: 'stuck-relay', pin: 8 }]);
    expect((await json(`${url}/devices/b1-h1-meter/faults`, { method: 'PUT', body: JSON.stringify({ kind: 'slow-ramp', fraction: 2 }) })).status).toBe(400);
    const cleared = await json(`${url}/devices/b1-h1-meter/faults/stuck-relay`, { method: 'DELETE' });
    expect(cleared.body.faults).toEqual([{ kind: 'slow-ramp', fraction: 0.01 }]);
  });
});
