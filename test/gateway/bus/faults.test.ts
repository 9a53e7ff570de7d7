// Fault tests: the gateway's buses against simulated devices whose faults are switched at run
// time. Each fault is counted and the bus recovers without a restart.

import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusRtuBus } from '../../../device-sim/transports/modbus-rtu-bus.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { findDefinition } from '../../../protocols/devices/index.js';
import { rtuLine, tcpLine } from '../../../protocols/modbus/line-time.js';
import { ModbusDevice } from '../../../gateway/acquisition/modbus-device.js';
import { ModbusRtuPort } from '../../../gateway/bus/modbus-rtu-port.js';
import { ModbusTcpPort } from '../../../gateway/bus/modbus-tcp-port.js';
import { BusError, RequestQueue } from '../../../gateway/bus/request-queue.js';

afterAll(removeTempFolders);

const SDM630 = findDefinition('eastron-sdm630')!;
const T0 = Date.UTC(2026, 5, 21, 12);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function simDevice(clock: SimulatedClock, unitId: number): SimDevice {
  return new SimDevice({ identity: { deviceId: `meter-${unitId}`, meterId: String(1000 + unitId), model: 'SDM630' }, truth: () => ({ powerW: 1000 * unitId, energyImportWh: 5_000_000 + unitId, voltageL1V: 230 }), clock }, definitionModel(SDM630), { unitId });
}

async function kind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof BusError ? err.kind : `other: ${(err as Error).message}`;
  }
}

async function rtuSetup(units: number[], ptyLink?: string) {
  const clock = new SimulatedClock({ startMs: T0 });
  const bus = await ModbusRtuBus.open({ clock, baudRate: 19200, ...(ptyLink ? { pty: { clientLink: ptyLink } } : {}) });
  const sims = units.map((u) => {
    const d = simDevice(clock, u);
    bus.add(d);
    return d;
  });
  return { clock, bus, sims };
}

describe('gateway bus faults against the simulator (needs socat)', () => {
  it('spends at most one timeout per cycle on a dead unit of a shared RTU bus, then rests it', async () => {
    const { bus, sims } = await rtuSetup([1, 2, 3]);
    cleanup.push(() => bus.close());
    sims[1]!.faults.set({ kind: 'no-answer' });
    const rejects: string[] = [];
    const port = new ModbusRtuPort({ id: 'rs485', path: bus.clientPath, baudRate: 19200, onReject: (k) => rejects.push(k) });
    cleanup.push(() => port.close());
    await port.open();
    const queue = new RequestQueue({ failuresBeforeRest: 2, restInitialMs: 60_000 });
    const gw = [1, 2, 3].map((u) => new ModbusDevice({ deviceId: `meter-${u}`, busId: 'rs485', unitId: u, definition: SDM630, port, queue, line: rtuLine(19200), timeoutMs: 800 }));
    const cycles: string[][] = [];
    for (let cycle = 0; cycle < 6; cycle++) cycles.push(await Promise.all(gw.map((d) => kind(d.read('fast')))));
    // Every cycle reads the live units; the dead one costs a timeout twice, then none.
    expect(cycles.map((c) => [c[0], c[2]])).toEqual(Array.from({ length: 6 }, () => ['ok', 'ok']));
    expect(cycles.map((c) => c[1])).toEqual(['timeout', 'timeout', 'backed-off', 'backed-off', 'backed-off', 'backed-off']);
    expect(queue.stats().rejectedWhileResting).toBe(4);
    expect(rejects).toEqual([]);
  });

  it('counts answers with a broken CRC on an RTU bus and reads again once they stop', async () => {
    const { bus, sims } = await rtuSetup([1]);
    cleanup.push(() => bus.close());
    const rejects: string[] = [];
    const port = new ModbusRtuPort({ id: 'rs485', path: bus.clientPath, baudRate: 19200, onReject: (k) => rejects.push(k) });
    cleanup.push(() => port.close());
    await port.open();
    const device = new ModbusDevice({ deviceId: 'meter-1', busId: 'rs485', unitId: 1, definition: SDM630, port, queue: new RequestQueue({ failuresBeforeRest: 100 }), line: rtuLine(19200), timeoutMs: 800 });
    expect(await kind(device.read('fast'))).toBe('ok');
    sims[0]!.faults.set({ kind: 'crc-error' });
    expect(await kind(device.read('fast'))).toBe('protocol');
    expect(rejects).toContain('crc');
    sims[0]!.faults.clear('crc-error');
    const r = await device.read('fast');
    expect(r.values.powerW).toBe(1000);
  });

  it('counts exception answers without resting the device, and recovers when they stop', async () => {
    const { bus, sims } = await rtuSetup([1]);
    cleanup.push(() => bus.close());
    const rejects: string[] = [];
    const port = new ModbusRtuPort({ id: 'rs485', path: bus.clientPath, baudRate: 19200, onReject: (k) => rejects.push(k) });
    cleanup.push(() => port.close());
    await port.open();
    const queue = new RequestQueue({ failuresBeforeRest: 1 });
    const device = new ModbusDevice({ deviceId: 'meter-1', busId: 'rs485', unitId: 1, definition: SDM630, port, queue, line: rtuLine(19200), timeoutMs: 800 });
    sims[0]!.faults.set({ kind: 'exception', code: 4 });
    expect(await kind(device.read('fast'))).toBe('exception');
    expect(await kind(device.read('fast'))).toBe('exception');
    expect(rejects.filter((k) => k === 'exception')).toHaveLength(2);
    expect(queue.isResting('meter-1')).toBe(false);
    sims[0]!.faults.clear('exception');
    expect(await kind(device.read('fast'))).toBe('ok');
  });

  it('reopens a serial line that went away and came back on the same path', async () => {
    const dir = tempFolder('nabo-pty-');
    const link = join(dir, 'ttyUSB0');
    const first = await rtuSetup([1], link);
    const port = new ModbusRtuPort({ id: 'rs485', path: link, baudRate: 19200 });
    cleanup.push(() => port.close());
    await port.open();
    const device = new ModbusDevice({ deviceId: 'meter-1', busId: 'rs485', unitId: 1, definition: SDM630, port, queue: new RequestQueue({ failuresBeforeRest: 100 }), line: rtuLine(19200), timeoutMs: 800 });
    expect(await kind(device.read('fast'))).toBe('ok');
    // Unplug: the pty pair disappears.
    await first.bus.close();
    await expect.poll(() => port.connected, { timeout: 5000 }).toBe(false);
    expect(await kind(device.read('fast'))).toBe('transport');
    // Plug back in: a new pty behind the same path; the port reopens by itself.
    const second = await rtuSetup([1], link);
    cleanup.push(() => second.bus.close());
    await expect.poll(() => port.connected, { timeout: 15_000, interval: 50 }).toBe(true);
    expect(await kind(device.read('fast'))).toBe('ok');
    expect(port.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('reconnects a dropped Modbus TCP connection and counts the drops', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const server = new ModbusTcpServer({ clock });
    const sim = simDevice(clock, 1);
    server.add(sim);
    const { port: tcpPort } = await server.listen();
    cleanup.push(() => server.close());
    const port = new ModbusTcpPort({ id: 'lan', host: '127.0.0.1', port: tcpPort });
    cleanup.push(() => port.close());
    await port.open();
    const device = new ModbusDevice({ deviceId: 'meter-1', busId: 'lan', unitId: 1, definition: SDM630, port, queue: new RequestQueue({ failuresBeforeRest: 100 }), line: tcpLine(1), timeoutMs: 500 });
    expect(await kind(device.read('fast'))).toBe('ok');
    sim.faults.set({ kind: 'drop-connection' });
    expect(await kind(device.read('fast'))).toBe('transport');
    sim.faults.clear('drop-connection');
    await expect.poll(() => port.connected, { timeout: 10_000, interval: 50 }).toBe(true);
    expect(await kind(device.read('fast'))).toBe('ok');
    expect(port.reconnects).toBeGreaterThanOrEqual(1);
  });
});
