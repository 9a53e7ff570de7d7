import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { loadConfigFile } from '../../../gateway/config/load.js';
import { main } from '../../../gateway/cli/program.js';
import type { DeviceEndpoint } from '../../../device-sim/devices/simulated-device.js';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';
import { pollFor, gatewayConfigs } from '../../../gateway/config/from-fleet.js';
import { buildListing, type FleetListing } from '../../../device-sim/fleet/listing.js';

afterAll(removeTempFolders);

/** A listing with every kind of endpoint, as a running fleet would print it. */
function listing(): FleetListing {
  const r = validateFleet({
    version: 1,
    seed: 4,
    blocks: [
      {
        id: 'b1',
        buildings: [
          {
            id: 'b1-h1',
            pv: { kWp: 7 },
            battery: { capacityWh: 9000, maxChargeW: 4000, maxDischargeW: 4000 },
            rtuBuses: [{ id: 'rs485' }],
            devices: [
              { id: 'meter', kind: 'sdm630', transport: 'modbus-rtu', bus: 'rs485', unitId: 1 },
              { id: 'pv', kind: 'sunspec-inverter', transport: 'modbus-rtu', bus: 'rs485', unitId: 2 },
              { id: 'battery', kind: 'sunspec-storage' },
              { id: 'ams', kind: 'han', vendor: 'kaifa' },
              { id: 'p1', kind: 'p1' },
              { id: 'pulses', kind: 's0-board', pins: [{ pin: 2, counts: 'grid-import' }, { pin: 3, counts: 'pv', impulsesPerKWh: 800 }] },
            ],
          },
        ],
      },
      { id: 'b2', site: { latitude: 59.91, longitude: 10.75 }, buildings: [{ id: 'b2-h1', devices: [{ id: 'meter', kind: 'sdm630' }] }] },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const world = new FleetWorld(r.fleet, new SimulatedClock({ startMs: Date.UTC(2026, 5, 21) }));
  const endpoints = new Map<string, DeviceEndpoint>([
    ['b1-h1-meter', { transport: 'modbus-rtu', path: '/dev/pts/7', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1, unitId: 1 }],
    ['b1-h1-pv', { transport: 'modbus-rtu', path: '/dev/pts/7', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1, unitId: 2 }],
    ['b1-h1-battery', { transport: 'modbus-tcp', host: '127.0.0.1', port: 15502, unitId: 1 }],
    ['b1-h1-ams', { transport: 'han', path: '/dev/pts/8', baudRate: 2400, parity: 'even' }],
    ['b1-h1-p1', { transport: 'dsmr-p1', path: '/dev/pts/9', baudRate: 115200 }],
    [
      'b1-h1-pulses',
      {
        transport: 'firmata',
        path: '/dev/pts/10',
        baudRate: 57600,
        s0Pins: [
          { pin: 2, pulsesPerKWh: 1000, quantity: 'energyImportWh' },
          { pin: 3, pulsesPerKWh: 800, quantity: 'pvEnergyWh' },
        ],
        relayPins: [8],
      },
    ],
    ['b2-h1-meter', { transport: 'modbus-tcp', host: '127.0.0.1', port: 15503, unitId: 1 }],
  ]);
  return buildListing(world, { clock: { mode: 'simulated', startAt: '2026-06-21T00:00:00.000Z', speed: 60 }, controlUrl: 'http://127.0.0.1:1', endpoints });
}

let dir: string;
beforeEach(() => {
  dir = tempFolder('nabo-sim-configs-');
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('gateway configs for a simulated fleet', () => {
  it('maps every endpoint kind to a bus and every unit or S0 pin to a device', () => {
    const r = gatewayConfigs(listing(), { dataRoot: '/tmp/data' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.configs.map((c) => c.file)).toEqual(['b1-h1/nabo.yaml', 'b2-h1/nabo.yaml']);
    const cfgPath = path.join(dir, 'b1-h1.yaml');
    writeFileSync(cfgPath, r.configs[0]?.yaml ?? '');
    const loaded = loadConfigFile(cfgPath, {});
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const cfg = loaded.config;
    expect(cfg.buses.map((b) => [b.id, b.kind])).toEqual([
      ['rs485', 'modbus-rtu'],
      ['tcp-battery', 'modbus-tcp'],
      ['han-ams', 'han'],
      ['p1-p1', 'dsmr-p1'],
      ['pulses', 'firmata'],
    ]);
    expect(cfg.devices.map((d) => [d.id, d.bus, d.model, d.role, d.unitId ?? d.pin ?? null])).toEqual([
      ['meter', 'rs485', 'eastron-sdm630', 'grid-meter', 1],
      ['pv', 'rs485', 'sunspec', 'pv', 2],
      ['battery', 'tcp-battery', 'sunspec', 'battery', 1],
      ['ams', 'han-ams', 'han', 'grid-meter', null],
      ['p1', 'p1-p1', 'dsmr-p1', 'grid-meter', null],
      ['pulses-pin2', 'pulses', 's0', 'grid-meter', 2],
      ['pulses-pin3', 'pulses', 's0', 'pv', 3],
    ]);
    expect(cfg.devices.find((d) => d.id === 'pulses-pin3')?.impulsesPerKWh).toBe(800);
    expect(cfg.clock).toEqual({ mode: 'simulated', startAt: '2026-06-21T00:00:00.000Z', speed: 60 });
    expect(cfg.gateway.dataDir).toBe('/tmp/data/b1-h1');
    expect(cfg.market?.blockId).toBe('b1');
  });

  it('writes configs with `nabo sim configs` that pass `nabo config check`', async () => {
    const fleetFile = path.join(dir, 'fleet.json');
    writeFileSync(fleetFile, JSON.stringify(listing()));
    const out = path.join(dir, 'configs');
    expect(await main(['node', 'nabo', 'sim', 'configs', '--fleet', fleetFile, '--out', out, '--format', 'json'])).toBe(0);
    for (const building of ['b1-h1', 'b2-h1']) {
      const file = path.join(out, building, 'nabo.yaml');
      process.exitCode = undefined;
      expect(await main(['node', 'nabo', 'config', 'check', file, '--format', 'json'])).toBe(0);
    }
    expect(readFileSync(path.join(out, 'b2-h1', 'nabo.yaml'), 'utf8')).toMatch(/latitude: 59.91/);
  });

  it('anchors a simulated gateway clock to the fleet\'s wall-clock start when the listing has it', () => {
    const l = listing();
    l.clock.realStartedAt = '2026-11-22T00:43:07.207Z';
    const r = gatewayConfigs(l, { dataRoot: '/tmp/data' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.configs[0]?.yaml).toMatch(/anchoredAt: (["']?)2026-11-22T00:43:07.207Z\1/);
  });

  it('stretches Modbus poll periods with the fleet\'s speed so the buses keep up', () => {
    expect(pollFor(1)).toEqual({ fastMs: 1000, slowMs: 60_000 });
    expect(pollFor(60)).toEqual({ fastMs: 6000, slowMs: 60_000 });
    expect(pollFor(1440)).toEqual({ fastMs: 144_000, slowMs: 144_000 });
    const l = listing();
    l.clock = { ...l.clock, mode: 'simulated', speed: 60 };
    const r = gatewayConfigs(l, { dataRoot: '/tmp/data' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.configs[0]?.yaml).toMatch(/poll:\s+fastMs: 6000\s+slowMs: 60000/);
  });

  it('refuses a listing that is not one, naming the field', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...listing(), version: 9 }));
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    expect(await main(['node', 'nabo', 'sim', 'configs', '--fleet', bad, '--out', path.join(dir, 'x')])).toBe(2);
    expect(errors.join('')).toMatch(/version/);
  });
});
