import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import { ModbusRtuBus } from '../../../device-sim/transports/modbus-rtu-bus.js';
import { decodeRtuResponse, encodeRtuRequest } from '../../../protocols/modbus/rtu.js';
import { toyModel } from '../devices/toy-model.js';
import { SerialTestClient } from './serial-test-client.js';
import { mbpoll, requireTool } from './tools.js';

const read = (functionCode: 3 | 4, address: number, quantity: number) => ({ kind: 'read' as const, functionCode, address, quantity });

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function bus(options: { lineTiming?: boolean } = {}) {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 0, 1) });
  const b = await ModbusRtuBus.open({ clock, baudRate: 9600, ...options });
  cleanup.push(() => b.close());
  const devices = [1, 2, 3].map((unitId) => {
    const d = new ModbusDevice({ identity: { deviceId: `u${unitId}`, meterId: `S${unitId}`, model: 'toy' }, truth: () => ({ powerW: 100 * unitId, energyImportWh: 1_000_000 + unitId }), clock }, toyModel, { unitId });
    b.add(d);
    return d;
  });
  return { clock, bus: b, devices };
}

async function client(path: string) {
  const c = await SerialTestClient.open(path);
  cleanup.push(() => c.close());
  return c;
}

describe('simulated Modbus RTU bus on a pty (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('answers mbpoll for several unit ids on one pty bus (needs mbpoll)', async () => {
    requireTool('mbpoll');
    const { bus: b } = await bus();
    const common = ['-m', 'rtu', '-b', '9600', '-P', 'none', '-0', b.clientPath];
    expect((await mbpoll(['-a', '1', '-t', '4', '-r', '0', ...common])).get(0)).toBe(100);
    expect((await mbpoll(['-a', '3', '-t', '4', '-r', '0', ...common])).get(0)).toBe(300);
    expect((await mbpoll(['-a', '2', '-t', '3:int', '-B', '-r', '0', ...common])).get(0)).toBe(1_000_002);
    expect(b.stats).toMatchObject({ requests: 3, answered: 3 });
  });

  it('reassembles a request that arrives in pieces and skips noise in front of it', async () => {
    const { bus: b } = await bus();
    const c = await client(b.clientPath);
    const request = encodeRtuRequest(2, read(3, 0, 1));
    c.write([0x00, 0x42, ...request.subarray(0, 3)]);
    c.write(request.subarray(3));
    const answer = decodeRtuResponse(await c.take(7), { unitId: 2, request: read(3, 0, 1) });
    expect(answer.ok && answer.value.response).toMatchObject({ registers: Uint16Array.of(200) });
    expect(b.stats.discardedBytes).toBe(2);
  });

  it('stays silent for a unit that is not on the bus and for a no-answer fault', async () => {
    const { bus: b, devices } = await bus();
    const c = await client(b.clientPath);
    devices[0]!.faults.set({ kind: 'no-answer' });
    c.write(encodeRtuRequest(9, read(3, 0, 1)));
    c.write(encodeRtuRequest(1, read(3, 0, 1)));
    c.write(encodeRtuRequest(3, read(3, 0, 1)));
    const answer = decodeRtuResponse(await c.take(7));
    expect(answer.ok && answer.value.unitId).toBe(3);
    expect(c.received).toBe(0);
    expect(b.stats).toMatchObject({ requests: 3, answered: 1, unanswered: 2 });
  });

  it('sends answers with a broken CRC while crc-error is set', async () => {
    const { bus: b, devices } = await bus();
    const c = await client(b.clientPath);
    devices[1]!.faults.set({ kind: 'crc-error' });
    c.write(encodeRtuRequest(2, read(3, 0, 1)));
    const bad = decodeRtuResponse(await c.take(7));
    expect(bad.ok ? 'ok' : bad.error.kind).toBe('crc');
    devices[1]!.faults.clear('crc-error');
    c.write(encodeRtuRequest(2, read(3, 0, 1)));
    expect(decodeRtuResponse(await c.take(7)).ok).toBe(true);
  });

  it('holds an answer back by its time on the wire at 9600 baud', async () => {
    const { bus: b, clock } = await bus({ lineTiming: true });
    const c = await client(b.clientPath);
    c.write(encodeRtuRequest(1, read(3, 0, 1)));
    await new Promise<void>((resolve) => {
      const check = () => (b.stats.requests === 1 ? resolve() : setImmediate(check));
      check();
    });
    // 3.5 characters of silence and 7 characters of answer, 10 bits each at 9600 baud: 10.9 ms.
    await clock.advance(10);
    expect(c.received).toBe(0);
    await clock.advance(1);
    expect(decodeRtuResponse(await c.take(7)).ok).toBe(true);
  });

  it('writes garbage bursts on the line while the garbage fault is set', async () => {
    const { bus: b, clock, devices } = await bus();
    const c = await client(b.clientPath);
    devices[2]!.faults.set({ kind: 'garbage', bytes: 16, everyMs: 500 });
    await clock.advance(1000);
    expect((await c.take(32)).length).toBe(32);
    devices[2]!.faults.clear('garbage');
    await clock.advance(5000);
    c.write(encodeRtuRequest(3, read(3, 0, 1)));
    const answer = decodeRtuResponse(await c.take(7));
    expect(answer.ok && answer.value.unitId).toBe(3);
  });

  it('answers exception 1 to a whole frame with an unknown function code after the line falls silent', async () => {
    const { bus: b, clock } = await bus();
    const c = await client(b.clientPath);
    // Function 1 (read coils), which these devices do not have.
    c.write([0x01, 0x01, 0x00, 0x00, 0x00, 0x08, 0x3d, 0xcc]);
    await new Promise<void>((resolve) => {
      const check = () => (b.buffered === 8 ? resolve() : setImmediate(check));
      check();
    });
    await clock.advance(5);
    const answer = decodeRtuResponse(await c.take(5));
    expect(answer.ok && answer.value.response).toEqual({ kind: 'exception', functionCode: 1, exceptionCode: 1 });
  });
});
