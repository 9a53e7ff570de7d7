import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMbapRequest } from '../../../protocols/modbus/mbap.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import type { QuantityValues } from '../../../core/quantities.js';
import { toyModel } from '../devices/toy-model.js';
import { MbapTestClient } from './mbap-test-client.js';

const read = (functionCode: 3 | 4, address: number, quantity: number) => ({ kind: 'read' as const, functionCode, address, quantity });

function setup(truth: () => QuantityValues, unitIds = [1]) {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 1, 12) });
  const server = new ModbusTcpServer({ clock });
  const writes: SetpointWrite[] = [];
  const devices = unitIds.map(
    (unitId) =>
      new ModbusDevice({ identity: { deviceId: `d${unitId}`, meterId: `M${unitId}`, model: 'toy' }, truth, clock, onSetpoint: (w) => writes.push(w) }, toyModel, { unitId }),
  );
  for (const d of devices) server.add(d);
  return { clock, server, devices, writes };
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function started(s: ReturnType<typeof setup>) {
  const { port } = await s.server.listen();
  cleanup.push(() => s.server.close());
  const client = await MbapTestClient.connect(port);
  cleanup.push(() => client.close());
  return client;
}

describe('simulated Modbus TCP server', () => {
  it('answers holding and input reads from the truth at the current clock time', async () => {
    let powerW = 1234;
    const s = setup(() => ({ powerW, energyImportWh: 70000 + powerW }));
    const client = await started(s);
    client.send(1, 1, read(3, 0, 1));
    client.send(2, 1, read(4, 0, 2));
    const a = await client.next();
    const b = await client.next();
    expect(a).toMatchObject({ transactionId: 1, unitId: 1, response: { kind: 'read', registers: Uint16Array.of(1234) } });
    expect(b.response).toMatchObject({ registers: Uint16Array.of(1, 71234 - 65536) });
    powerW = 99;
    client.send(3, 1, read(3, 0, 1));
    expect((await client.next()).response).toMatchObject({ registers: Uint16Array.of(1234) });
    await s.clock.advance(1000);
    client.send(4, 1, read(3, 0, 1));
    expect((await client.next()).response).toMatchObject({ registers: Uint16Array.of(99) });
  });

  it('answers many pipelined requests on one connection in order', async () => {
    const s = setup(() => ({ powerW: 5 }));
    const client = await started(s);
    for (let t = 0; t < 200; t++) client.send(t, 1, read(3, 0, 1));
    for (let t = 0; t < 200; t++) expect((await client.next()).transactionId).toBe(t);
    expect(s.server.stats.answered).toBe(200);
  });

  it('answers exception 2 for registers the device does not have and 11 for an unknown unit', async () => {
    const s = setup(() => ({ powerW: 5 }), [1, 2]);
    const client = await started(s);
    client.send(1, 1, read(3, 0, 5));
    client.send(2, 9, read(3, 0, 1));
    client.send(3, 2, read(4, 0, 2));
    expect((await client.next()).response).toEqual({ kind: 'exception', functionCode: 3, exceptionCode: 2 });
    expect((await client.next()).response).toEqual({ kind: 'exception', functionCode: 3, exceptionCode: 11 });
    expect(await client.next()).toMatchObject({ unitId: 2, response: { kind: 'read' } });
  });

  it('reports a written battery setpoint and reads it back', async () => {
    const s = setup(() => ({ powerW: 5 }));
    const client = await started(s);
    client.send(1, 1, { kind: 'write-single', functionCode: 6, address: 10, value: 0x10000 - 2500 });
    expect((await client.next()).response).toEqual({ kind: 'write-single', functionCode: 6, address: 10, value: 0x10000 - 2500 });
    expect(s.writes.map((w) => w.kind)).toEqual(['register', 'battery-power']);
    expect(s.writes[1]).toMatchObject({ kind: 'battery-power', deviceId: 'd1', batteryPowerW: -2500 });
    await s.clock.advance(5000);
    client.send(2, 1, read(3, 10, 1));
    expect((await client.next()).response).toMatchObject({ registers: Uint16Array.of(0x10000 - 2500) });
    client.send(3, 1, { kind: 'write-single', functionCode: 6, address: 0, value: 1 });
    expect((await client.next()).response).toEqual({ kind: 'exception', functionCode: 6, exceptionCode: 2 });
  });

  it('swallows requests while no-answer is set and answers again when cleared', async () => {
    const s = setup(() => ({ powerW: 5 }));
    const client = await started(s);
    s.devices[0]!.faults.set({ kind: 'no-answer' });
    client.send(1, 1, read(3, 0, 1));
    client.send(2, 1, read(3, 0, 1));
    await new Promise<void>((resolve) => {
      const check = () => (s.server.stats.requests >= 2 ? resolve() : setImmediate(check));
      check();
    });
    s.devices[0]!.faults.clear('no-answer');
    client.send(3, 1, read(3, 0, 1));
    expect((await client.next()).transactionId).toBe(3);
    expect(s.server.stats.unanswered).toBe(2);
  });

  it('answers late by the fault delay on the simulated clock', async () => {
    const s = setup(() => ({ powerW: 5 }));
    const client = await started(s);
    s.devices[0]!.faults.set({ kind: 'late-answer', delayMs: 3000 });
    client.send(1, 1, read(3, 0, 1));
    await new Promise<void>((resolve) => {
      const check = () => (s.server.stats.requests >= 1 ? resolve() : setImmediate(check));
      check();
    });
    await s.clock.advance(2999);
    expect(client.received).toBe(0);
    await s.clock.advance(1);
    expect((await client.next()).transactionId).toBe(1);
  });

  it('drops the connection when drop-connection is set, and answers with the set exception code', async () => {
    const s = setup(() => ({ powerW: 5 }));
    const client = await started(s);
    s.devices[0]!.faults.set({ kind: 'exception', code: 6 });
    client.send(1, 1, read(3, 0, 1));
    expect((await client.next()).response).toEqual({ kind: 'exception', functionCode: 3, exceptionCode: 6 });
    s.devices[0]!.faults.set({ kind: 'drop-connection' });
    client.send(2, 1, read(3, 0, 1));
    await client.whenClosed();
    expect(client.received).toBe(0);
  });

  it('keeps frozen values while the truth moves on', async () => {
    let powerW = 100;
    const s = setup(() => ({ powerW }));
    const client = await started(s);
    s.devices[0]!.faults.set({ kind: 'frozen-values' });
    powerW = 200;
    await s.clock.advance(10_000);
    client.send(1, 1, read(3, 0, 1));
    expect((await client.next()).response).toMatchObject({ registers: Uint16Array.of(100) });
    s.devices[0]!.faults.clear();
    client.send(2, 1, read(3, 0, 1));
    expect((await client.next()).response).toMatchObject({ registers: Uint16Array.of(200) });
  });

  it('puts a request split over several TCP segments back together', async () => {
    const s = setup(() => ({ powerW: 77 }));
    const { port } = await s.server.listen();
    cleanup.push(() => s.server.close());
    const socket = net.connect(port, '127.0.0.1');
    cleanup.push(() => socket.destroy());
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.setNoDelay(true);
    const answer = new Promise<Buffer>((r) => socket.once('data', r));
    const frame = encodeMbapRequest(9, 1, read(3, 0, 1));
    socket.write(frame.subarray(0, 3));
    await new Promise<void>((r) => setImmediate(r));
    socket.write(frame.subarray(3, 9));
    await new Promise<void>((r) => setImmediate(r));
    socket.write(frame.subarray(9));
    expect([...(await answer)]).toEqual([0, 9, 0, 0, 0, 5, 1, 3, 2, 0, 77]);
  });

  it('drops a connection that sends something other than Modbus', async () => {
    const s = setup(() => ({ powerW: 1 }));
    const { port } = await s.server.listen();
    cleanup.push(() => s.server.close());
    const socket = net.connect(port, '127.0.0.1');
    cleanup.push(() => socket.destroy());
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await closed;
    expect(s.server.stats.rejectedFrames).toBe(1);
  });

  it('tells where each device listens once the server is up', async () => {
    const s = setup(() => ({}), [3, 4]);
    const { port } = await s.server.listen();
    cleanup.push(() => s.server.close());
    expect(s.devices.map((d) => d.endpoint())).toEqual([
      { transport: 'modbus-tcp', host: '127.0.0.1', port, unitId: 3 },
      { transport: 'modbus-tcp', host: '127.0.0.1', port, unitId: 4 },
    ]);
  });
});
