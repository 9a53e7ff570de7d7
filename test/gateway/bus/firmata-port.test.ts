// A pulse board (Firmata) that is missing at start, unplugged or replugged must never take the
// gateway down: the port reconnects with back-off and the other devices keep reading.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { FirmataPort } from '../../../gateway/bus/firmata-port.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { buildGateway, closeBuses, openBuses } from '../../../gateway/acquisition/build.js';
import { FirmataBoard } from '../../../device-sim/devices/firmata-board.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { findDefinition } from '../../../protocols/devices/index.js';
import { requireTool } from '../../device-sim/transports/tools.js';

const T0 = Date.UTC(2026, 5, 21, 12);
const require = createRequire(import.meta.url);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
afterAll(removeTempFolders);

/** A simulated Uno with an S0 output on pin 2 (1000 imp/kWh, 3.6 kW: one pulse per simulated second), its host end at `path`. */
async function board(clock: SimulatedClock, path: string): Promise<FirmataBoard> {
  const b = await FirmataBoard.open(
    { identity: { deviceId: 's0', meterId: 'UNO-1', model: 'Arduino Uno' }, truth: () => ({ energyImportWh: 10_000 + (clock.now() - T0) / 1000 }), clock },
    { s0: [{ pin: 2, pulsesPerKWh: 1000, quantity: 'energyImportWh' }], pty: { clientLink: path } },
  );
  cleanup.push(() => b.close());
  return b;
}

/** Steps the simulated clock from one board action to the next until johnny-five has seen `n` more pulses (its debounce runs on real time). */
async function pulses(clock: SimulatedClock, b: FirmataBoard, port: FirmataPort, n: number): Promise<void> {
  const count = (): number => b.pulseCounts().get(2) ?? 0;
  const base = port.edgesSeen.rising - count();
  // A pulse cut short by an unplugged board never shows its falling edge.
  const unfinished = port.edgesSeen.rising - port.edgesSeen.falling;
  const target = port.edgesSeen.rising + n;
  while (port.edgesSeen.rising < target) {
    const next = b.nextWakeAtMs();
    if (next === undefined) throw new Error('S0 output stopped');
    const before = count();
    await clock.advanceTo(next);
    if (count() !== before) await vi.waitFor(() => expect(port.edgesSeen.rising).toBe(base + count()), { timeout: 5000, interval: 2 });
    else await vi.waitFor(() => expect(port.edgesSeen.falling).toBe(port.edgesSeen.rising - unfinished), { timeout: 5000, interval: 2 });
  }
}

describe('Firmata pulse board port (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('fails the first open of a path that does not exist, keeps trying, and connects once the board appears', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const path = join(tempFolder('nabo-firmata-port-'), 'tty');
    const errors: string[] = [];
    const port = new FirmataPort({ id: 'board', path, baudRate: 57600, pulsePins: [2], clock, onEdge: () => undefined, onError: (m) => errors.push(m) });
    cleanup.push(() => port.close());
    await expect(port.open()).rejects.toThrow(/No such file|cannot open/);
    expect(port.connected).toBe(false);
    const b = await board(clock, path);
    await vi.waitFor(() => expect(port.connected).toBe(true), { timeout: 20_000, interval: 50 });
    await pulses(clock, b, port, 2);
  });

  it('reconnects after the board is unplugged and plugged back on the same path', async () => {
    const sigintListeners = process.listenerCount('SIGINT');
    const boardsKept = (require('johnny-five') as { Board: { cache: unknown[] } }).Board.cache.length;
    const clock = new SimulatedClock({ startMs: T0 });
    const path = join(tempFolder('nabo-firmata-port-'), 'tty');
    const first = await board(clock, path);
    const errors: string[] = [];
    const port = new FirmataPort({ id: 'board', path, baudRate: 57600, pulsePins: [2], clock, onEdge: () => undefined, onError: (m) => errors.push(m) });
    cleanup.push(() => port.close());
    await port.open();
    await pulses(clock, first, port, 1);

    await first.close();
    await vi.waitFor(() => expect(port.connected).toBe(false), { timeout: 10_000, interval: 20 });
    expect(errors.some((e) => e.startsWith('board lost'))).toBe(true);

    const second = await board(clock, path);
    await vi.waitFor(() => expect(port.connected).toBe(true), { timeout: 20_000, interval: 50 });
    await pulses(clock, second, port, 2);
    // johnny-five neither hooked SIGINT (it would exit the gateway before its readings are
    // flushed) nor kept the lost board.
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
    expect((require('johnny-five') as { Board: { cache: unknown[] } }).Board.cache.length).toBeLessThanOrEqual(boardsKept + 1);
  });

  it('lets the other devices of the gateway read while the pulse board is missing', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const server = new ModbusTcpServer({ clock });
    server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '1', model: 'SDM630' }, truth: () => ({ powerW: 1500, energyImportWh: 5_000_000, voltageL1V: 230 }), clock }, definitionModel(findDefinition('eastron-sdm630')!), { unitId: 1 }));
    const { port: tcpPort } = await server.listen();
    cleanup.push(() => server.close());
    const checked = validateConfig({
      version: 1,
      gateway: { id: 'gw' },
      buses: [
        { id: 'board', kind: 'firmata', path: join(tempFolder('nabo-firmata-port-'), 'tty') },
        { id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port: tcpPort },
      ],
      devices: [
        { id: 'heat-pump', bus: 'board', model: 's0', pin: 2, impulsesPerKWh: 1000 },
        { id: 'grid-meter', bus: 'lan', model: 'eastron-sdm630', unitId: 1 },
      ],
    }, {});
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const health = new HealthRegistry();
    const built = buildGateway(checked.config, { health, pollClock: clock, onPushed: () => undefined });
    cleanup.push(() => closeBuses(built));
    const failures = await openBuses(built);
    expect(failures.map((f) => f.busId)).toEqual(['board']);
    const grid = built.polled.find((p) => p.device.deviceId === 'grid-meter')!;
    for (let i = 0; i < 3; i++) {
      const read = await grid.device.read('fast');
      expect(read.values.powerW).toBeCloseTo(1500, 0);
    }
  });
});
