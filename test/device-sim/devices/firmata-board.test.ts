import { createRequire } from 'node:module';
import { SerialPort } from 'serialport';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { FirmataBoard } from '../../../device-sim/devices/firmata-board.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { requireTool } from '../transports/tools.js';
import { SerialTestClient } from '../transports/serial-test-client.js';

// johnny-five and firmata-io ship no types; these are the few members the tests touch.
interface FiveButton {
  on(event: 'down' | 'up', fn: () => void): void;
}
interface FiveBoard {
  on(event: 'ready' | 'error', fn: (err?: unknown) => void): void;
}
interface Five {
  Board: new (options: { io: unknown; repl: boolean; debug: boolean }) => FiveBoard;
  Button: new (options: { pin: number; board: FiveBoard }) => FiveButton;
  Relay: new (options: { pin: number; board: FiveBoard }) => { close(): void; open(): void };
}
const require = createRequire(import.meta.url);
const five = require('johnny-five') as Five;
interface FirmataIo {
  firmware: { name: string; version: { major: number; minor: number } };
  version: { major: number; minor: number };
  pins: Array<{ mode?: number; state?: number; supportedModes: number[]; analogChannel?: number }>;
  analogPins: number[];
  queryPinState(pin: number, cb: () => void): void;
  reportVersion(cb: () => void): void;
}
const { Firmata } = require('firmata-io') as { Firmata: new (port: SerialPort) => FirmataIo };

const HOUR_START = Date.UTC(2026, 2, 10, 7);
const HOUR_END = HOUR_START + 3_600_000;

/** Power of a building whose load swings 0.5–2.5 kW over the hour; energy is its closed-form integral, clamped at the hour's end. */
function energyWh(atMs: number): number {
  const t = (Math.min(atMs, HOUR_END) - HOUR_START) / 3_600_000;
  return 40_000 + 1500 * t - (1000 / (2 * Math.PI)) * (Math.cos(2 * Math.PI * t * 3) - 1) / 3;
}

/** Bounds a wait on an event, naming it when it does not come. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function openBoard(clock: SimulatedClock, writes: SetpointWrite[] = []) {
  const board = await FirmataBoard.open(
    { identity: { deviceId: 's0-board', meterId: 'UNO-1', model: 'Arduino Uno' }, truth: () => ({ energyImportWh: energyWh(clock.now()) }), clock, onSetpoint: (w) => writes.push(w) },
    { s0: [{ pin: 2, pulsesPerKWh: 100, quantity: 'energyImportWh' }], relayPins: [8] },
  );
  cleanup.push(() => board.close());
  return board;
}

describe('simulated Firmata board on a pty (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('announces protocol version 2.5 and its firmware name unprompted each time a host opens the port', async () => {
    const clock = new SimulatedClock({ startMs: HOUR_START });
    const board = await openBoard(clock);
    for (const session of [1, 2]) {
      await vi.waitFor(() => expect(board.sessions).toBe(session), { timeout: 5000 });
      const client = await SerialTestClient.open(board.endpoint().path, 57600);
      const greeting = await within(client.takeUntil((b) => b.includes(0xf7)), 5000, `greeting in session ${session}`);
      await client.close();
      expect([...greeting.subarray(0, 3)]).toEqual([0xf9, 2, 5]);
      expect([...greeting.subarray(3, 7)]).toEqual([0xf0, 0x79, 2, 5]);
      const name = String.fromCharCode(...[...greeting.subarray(7, -1)].filter((_, i) => i % 2 === 0));
      expect(name).toBe('StandardFirmata.ino');
    }
    expect(board.sessionError).toBeUndefined();
  });

  it('refuses an S0 output on a pin the board cannot read (the serial pins)', async () => {
    const clock = new SimulatedClock({ startMs: HOUR_START });
    const ctx = { identity: { deviceId: 'bad', meterId: 'UNO-2', model: 'Arduino Uno' }, truth: () => ({}), clock };
    await expect(FirmataBoard.open(ctx, { s0: [{ pin: 1, pulsesPerKWh: 1000, quantity: 'energyImportWh' }] })).rejects.toThrow(/not a digital input/);
  });

  it('lets johnny-five connect, count every S0 pulse of a simulated hour and switch a relay', async () => {
    const clock = new SimulatedClock({ startMs: HOUR_START });
    const writes: SetpointWrite[] = [];
    const board = await openBoard(clock, writes);
    const port = new SerialPort({ path: board.endpoint().path, baudRate: 57600 });
    cleanup.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
    const io = new Firmata(port);
    const j5 = new five.Board({ io, repl: false, debug: false });
    await within(
      new Promise<void>((resolve, reject) => {
        j5.on('ready', () => resolve());
        j5.on('error', reject);
      }),
      10_000,
      'johnny-five ready',
    );
    expect(io.firmware.name).toBe('StandardFirmata.ino');
    // Capabilities and analog mapping of an Uno came through the handshake.
    expect(io.pins).toHaveLength(20);
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(io.pins[2]!.supportedModes).toEqual(expect.arrayContaining([0, 1, 11]));
    await within(new Promise<void>((r) => io.reportVersion(() => r())), 5000, 'answer to the version request');
    expect(io.version).toEqual({ major: 2, minor: 5 });

    const button = new five.Button({ pin: 2, board: j5 });
    let downs = 0;
    let ups = 0;
    button.on('down', () => downs++);
    button.on('up', () => ups++);
    const relay = new five.Relay({ pin: 8, board: j5 });
    // A normally-open relay closes its circuit on a HIGH write.
    relay.close();
    await vi.waitFor(() => expect(writes).toContainEqual(expect.objectContaining({ kind: 'relay', pin: 8, on: true })), { timeout: 5000 });
    await within(new Promise<void>((r) => io.queryPinState(8, () => r())), 5000, 'pin state');
    expect(io.pins[8]).toMatchObject({ mode: 1, state: 1 });
    relay.open();
    await vi.waitFor(() => expect(writes.filter((w) => w.kind === 'relay').map((w) => w.kind === 'relay' && w.on)).toEqual([true, false]), { timeout: 5000 });

    // Step the clock from one board action to the next; after each edge wait until
    // johnny-five has seen it (its 7 ms debounce runs on real time).
    for (;;) {
      if (clock.now() >= HOUR_END && board.owedPulses() === 0) break;
      const next = board.nextWakeAtMs();
      if (next === undefined) throw new Error('S0 output stopped');
      const before = board.pulseCounts().get(2) ?? 0;
      await clock.advanceTo(next);
      const after = board.pulseCounts().get(2) ?? 0;
      if (after !== before) await vi.waitFor(() => expect(downs).toBe(after), { timeout: 2000, interval: 2 });
      else if (ups < downs) await vi.waitFor(() => expect(ups).toBe(downs), { timeout: 2000, interval: 2 });
    }
    const expected = Math.floor(((energyWh(HOUR_END) - energyWh(HOUR_START)) * 100) / 1000);
    expect(expected).toBeGreaterThan(100);
    expect(board.pulseCounts().get(2)).toBe(expected);
    expect(downs).toBe(expected);
    expect(ups).toBe(expected);
  });

  it('keeps a stuck relay where it is whatever johnny-five writes, and reports that state when asked', async () => {
    const clock = new SimulatedClock({ startMs: HOUR_START });
    const writes: SetpointWrite[] = [];
    const board = await openBoard(clock, writes);
    const port = new SerialPort({ path: board.endpoint().path, baudRate: 57600 });
    cleanup.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
    const io = new Firmata(port);
    const j5 = new five.Board({ io, repl: false, debug: false });
    await within(new Promise<void>((resolve, reject) => (j5.on('ready', () => resolve()), j5.on('error', reject))), 10_000, 'johnny-five ready');
    const relay = new five.Relay({ pin: 8, board: j5 });
    board.faults.set({ kind: 'stuck-relay', pin: 8 });
    relay.close();
    await within(new Promise<void>((r) => io.queryPinState(8, () => r())), 5000, 'pin state');
    // The write went out before the query on the same line, so it has been seen and ignored.
    expect(io.pins[8]).toMatchObject({ state: 0 });
    expect(writes.filter((w) => w.kind === 'relay')).toEqual([]);
    expect(board.relays.get(8)).toBe(false);
    board.faults.clear('stuck-relay');
    relay.close();
    await within(new Promise<void>((r) => io.queryPinState(8, () => r())), 5000, 'pin state');
    expect(io.pins[8]).toMatchObject({ state: 1 });
    expect(writes.filter((w) => w.kind === 'relay')).toEqual([expect.objectContaining({ pin: 8, on: true })]);
  });
});
