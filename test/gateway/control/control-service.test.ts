// Control against a simulated building on Modbus TCP: an SDM630 at the grid connection and a
// SunSpec battery (models 1, 124, 802) whose simulated inverter follows what the gateway writes.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { startGateway, type GatewayHandle } from '../../../gateway/daemon.js';
import { writeHolds } from '../../../gateway/control/holds.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { sunspecStorageModel } from '../../../device-sim/devices/sunspec-models.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);
const T0 = Date.UTC(2026, 5, 21, 12);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A house: load and PV as given, the battery at whatever the gateway last set (or idle on its own). */
interface House {
  loadW: number;
  pvW: number;
  socPercent: number;
  batteryW: number;
  ignoresCommands: boolean;
  /** The last power the gateway commanded (the inverter reports a repeated command once). */
  commandedW?: number;
  writes: SetpointWrite[];
}

async function building(clock: SimulatedClock, house: House, limits: Record<string, number> = {}, batteryPollMs = 5000) {
  const server = new ModbusTcpServer({ clock });
  const gridW = (): number => house.loadW - house.pvW - house.batteryW;
  server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '1', model: 'SDM630' }, truth: () => ({ powerW: gridW(), energyImportWh: 1000, energyExportWh: 10, voltageL1V: 230, frequencyHz: 50 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 }));
  const batteryDevice = new SimDevice(
      {
        identity: { deviceId: 'battery', meterId: '2', model: 'BAT', manufacturer: 'nabo' },
        truth: () => ({ batteryPowerW: house.batteryW, socPercent: house.socPercent, batteryCapacityWh: 10_000 }),
        clock,
        onSetpoint: (w) => {
          house.writes.push(w);
          if (w.kind === 'battery-power') house.commandedW = w.batteryPowerW;
          if (house.ignoresCommands) return;
          if (w.kind === 'battery-power') house.batteryW = w.batteryPowerW;
          if (w.kind === 'battery-auto') house.batteryW = 0;
        },
      },
      sunspecStorageModel({ maxPowerW: 5000 }),
      { unitId: 2 },
    );
  server.add(batteryDevice);
  const { port } = await server.listen();
  cleanup.push(() => server.close());
  const dir = tempFolder('nabo-control-');
  const parsed = validateConfig(
    {
      version: 2,
      gateway: { id: 'house', dataDir: dir },
      buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 1000 }],
      devices: [
        { id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 5000, slowMs: 60_000 } },
        { id: 'battery', bus: 'lan', model: 'sunspec', unitId: 2, role: 'battery', poll: { fastMs: batteryPollMs, slowMs: 60_000 }, capabilities: ['read', 'battery-setpoint'], limits: { maxChargeW: 3000, maxDischargeW: 3000, minSocPercent: 10, maxSocPercent: 90, revertTimeoutS: 120, ...limits } },
      ],
    },
    {},
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const gw = await startGateway(parsed.config, clock, createLogger({ level: 'fatal', pretty: false }));
  cleanup.push(() => gw.stop());
  const alarms: string[] = [];
  gw.events.on('alarm', (a) => alarms.push(`${a.code}${a.cleared ? ' cleared' : ''}`));
  return { gw, dir, alarms, batteryDevice };
}

/** Steps the clock in 5 s steps, letting every read and write on the wire finish. */
async function run(clock: SimulatedClock, gw: GatewayHandle, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5000) {
    await clock.advance(5000);
    await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    // Writes go through the same queue; give a control round's writes their turn on the wire.
    await new Promise((r) => setImmediate(r));
    await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
  }
}

function controlOf(gw: GatewayHandle) {
  return (gw.status.snapshot().control as Array<{ deviceId: string; mode: string; setpointW: number; limitedBy: string[] }>)[0]!;
}

describe('control of a SunSpec battery (simulated building on Modbus TCP)', () => {
  it('holds the grid exchange at zero with the battery, inside its power limit', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const house: House = { loadW: 1200, pvW: 3000, socPercent: 50, batteryW: 0, ignoresCommands: false, writes: [] };
    const { gw } = await building(clock, house);
    await run(clock, gw, 60_000);
    // 1.8 kW of surplus goes into the battery: the grid sees ~0.
    expect(controlOf(gw)).toMatchObject({ mode: 'steering' });
    expect(house.batteryW).toBe(-1800);
    // A surplus beyond the charge limit: the battery charges at its limit and the rest is exported.
    house.pvW = 8000;
    await run(clock, gw, 60_000);
    expect(house.batteryW).toBe(-3000);
    expect(controlOf(gw).limitedBy).toContain('charge-power');
  });

  it('acts every 10 s, or at the battery poll when that is slower: no round without fresh values', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const house: House = { loadW: 1200, pvW: 3000, socPercent: 50, batteryW: 0, ignoresCommands: false, writes: [] };
    const { gw } = await building(clock, house, {}, 60_000);
    await run(clock, gw, 10 * 60_000);
    // Each round writes the storage controls once (several registers at one instant).
    const setpoints = new Set(house.writes.filter((w) => w.kind === 'register').map((w) => w.atMs)).size;
    // Ten minutes at a 60 s poll: about ten rounds (the first waits for its first values), not sixty.
    expect(setpoints).toBeGreaterThanOrEqual(8);
    expect(setpoints).toBeLessThanOrEqual(11);
    expect(house.batteryW).toBe(-1800);
  });

  it('never charges a full battery, and hands the battery back when an installer holds it', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const house: House = { loadW: 500, pvW: 4000, socPercent: 90, batteryW: 0, ignoresCommands: false, writes: [] };
    const { gw, dir } = await building(clock, house);
    await run(clock, gw, 60_000);
    expect(house.batteryW).toBe(0);
    expect(house.writes.filter((w) => w.kind === 'battery-power').every((w) => w.kind === 'battery-power' && w.batteryPowerW >= 0)).toBe(true);
    house.socPercent = 40;
    await run(clock, gw, 30_000);
    expect(house.batteryW).toBe(-3000);
    writeHolds(dir, { battery: { sinceIso: new Date(clock.now()).toISOString(), reason: 'service visit' } });
    await run(clock, gw, 30_000);
    expect(controlOf(gw).mode).toBe('held');
    expect(house.writes.at(-1)?.kind).toBe('battery-auto');
  });

  it('raises an alarm when the battery does not follow, and goes safe when the grid meter falls silent', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const house: House = { loadW: 2500, pvW: 0, socPercent: 60, batteryW: 0, ignoresCommands: true, writes: [] };
    const { gw, alarms } = await building(clock, house);
    await run(clock, gw, 120_000);
    expect(alarms).toContain('battery-not-following');
    // The inverter starts following again: it runs at what it was last told.
    house.ignoresCommands = false;
    house.batteryW = house.commandedW ?? 0;
    await run(clock, gw, 60_000);
    expect(alarms).toContain('battery-not-following cleared');
    expect(house.batteryW).toBe(2500);
    // The meter stops answering: control hands the battery back.
    const grid = gw.built.polled.find((p) => p.config.id === 'grid');
    expect(grid).toBeDefined();
    await gw.acquisition.stop();
    await run(clock, gw, 60_000);
    expect(controlOf(gw).mode).toBe('safe');
    expect(alarms).toContain('control-safe-mode');
    expect(house.writes.at(-1)?.kind).toBe('battery-auto');
  });
});

describe('a battery nabo can no longer reach', () => {
  it('goes back to its own control within its revert timeout (every setpoint carries it)', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const house: House = { loadW: 2000, pvW: 0, socPercent: 60, batteryW: 0, ignoresCommands: false, writes: [] };
    const { gw, batteryDevice } = await building(clock, house, { revertTimeoutS: 90 });
    await run(clock, gw, 30_000);
    expect(house.batteryW).toBe(2000);
    // The gateway is gone as far as the battery can tell: nothing it sends arrives any more.
    batteryDevice!.faults.set({ kind: 'no-answer' });
    const lostAt = clock.now();
    await run(clock, gw, 120_000);
    const revert = house.writes.find((w) => w.kind === 'battery-auto');
    expect(revert).toBeDefined();
    expect(revert!.atMs - lostAt).toBeLessThanOrEqual(90_000);
    expect(house.batteryW).toBe(0);
  });
});

describe('nabo control hold | release | show', () => {
  it('holds and releases a steerable device, and refuses a read-only one with exit 2', async () => {
    const { main } = await import('../../../gateway/cli/program.js');
    const { readHolds } = await import('../../../gateway/control/holds.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { stringify } = await import('yaml');
    const dir = tempFolder('nabo-control-cli-');
    const file = join(dir, 'nabo.yaml');
    writeFileSync(
      file,
      stringify({
        version: 2,
        gateway: { id: 'house', dataDir: dir },
        buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port: 1502 }],
        devices: [
          { id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter' },
          { id: 'battery', bus: 'lan', model: 'sunspec', unitId: 2, role: 'battery', capabilities: ['read', 'battery-setpoint'], limits: { maxChargeW: 3000, maxDischargeW: 3000 } },
        ],
      }),
    );
    const stderr: string[] = [];
    const spy = (await import('vitest')).vi.spyOn(process.stderr, 'write').mockImplementation((c) => (stderr.push(String(c)), true));
    try {
      process.exitCode = undefined;
      expect(await main(['node', 'nabo', 'control', 'hold', 'battery', '--config', file, '--reason', 'service visit'])).toBe(0);
      const held = readHolds(dir);
      expect(held.ok && held.holds.battery?.reason).toBe('service visit');
      process.exitCode = undefined;
      expect(await main(['node', 'nabo', 'control', 'hold', 'grid', '--config', file])).toBe(2);
      expect(stderr.join('')).toContain("'grid' is read only");
      process.exitCode = undefined;
      expect(await main(['node', 'nabo', 'control', 'release', 'battery', '--config', file])).toBe(0);
      const after = readHolds(dir);
      expect(after.ok && after.holds).toEqual({});
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  });
});
