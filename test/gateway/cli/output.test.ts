// Output a person reads: values at their meter's resolution (no float noise), a unit on every
// number, and --format defaulting the same way in every command (table on a terminal, JSON
// otherwise).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { atResolution, cleanNumber } from '../../../gateway/cli/output.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from './run-cli.js';

afterAll(removeTempFolders);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Runs the CLI as if stdout were a terminal. */
async function onTerminal(args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  const was = process.stdout.isTTY;
  process.stdout.isTTY = true;
  try {
    return await runCli(args);
  } finally {
    process.stdout.isTTY = was;
  }
}

async function meterConfig(truth: Record<string, number>): Promise<string> {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12) });
  const server = new ModbusTcpServer({ clock });
  server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => truth, clock }, definitionModel('eastron-sdm630'), { unitId: 1 }));
  const { port } = await server.listen();
  cleanup.push(() => server.close());
  const dir = tempFolder('nabo-output-');
  const file = join(dir, 'nabo.yaml');
  writeFileSync(file, stringify({ version: 1, gateway: { id: 'gw', dataDir: dir }, buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port }], devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1 }] }));
  return file;
}

describe('numbers a person reads', () => {
  it('rounds measured values to the resolution of their unit and cleans binary noise', () => {
    expect(atResolution('W', 147.61605834960938)).toBe(147.6);
    expect(atResolution('W', 1.136868e-13)).toBe(0);
    expect(atResolution('W', -1.136868e-13)).toBe(0);
    expect(atResolution('A', 5.300000190734863)).toBe(5.3);
    expect(atResolution('Wh', 12_345_678.4)).toBe(12_345_678);
    expect(cleanNumber(0.17727999999999994)).toBe(0.17728);
    expect(cleanNumber(7621.7914504764385)).toBe(7621.79145048);
  });

  it('nabo read and nabo check show a float32 meter at its resolution, with units', async () => {
    const file = await meterConfig({ powerW: 147.61605834960938, powerL1W: 1.136868e-13, voltageL1V: 229.8699951171875, energyImportWh: 1_000_000 });
    const read = await runCli(['read', 'grid', '--config', file, '--format', 'json']);
    expect(read.code, read.stderr).toBe(0);
    const q = Object.fromEntries((JSON.parse(read.stdout) as { quantities: Array<{ quantity: string; value: number; unit: string }> }).quantities.map((x) => [x.quantity, x]));
    expect(q.powerW).toEqual({ quantity: 'powerW', value: 147.6, unit: 'W' });
    expect(q.powerL1W?.value).toBe(0);
    expect(q.voltageL1V?.value).toBe(229.9);
    const check = await onTerminal(['check', '--config', file]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('powerW=147.6 W');
    expect(check.stdout).not.toMatch(/\d\.\d{8,}|e-\d/);
  });

  it('nabo clear defaults to a table on a terminal and to canonical JSON otherwise, money with its unit', async () => {
    const table = await onTerminal(['clear', 'docs/examples/order-book.json']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('price minor/kWh');
    expect(table.stdout).toMatch(/welfare -?\d+ minor units, traded \d+ Wh, DSO fees \d+ minor units/);
    const json = await runCli(['clear', 'docs/examples/order-book.json']);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it('nabo schedule puts a unit on every cost and no float noise in its table or its JSON', async () => {
    const args = ['schedule', 'test/fixtures/market-cases/pcdg-25-houses-day.csv', '--no-p2p', '--no-compare-alone'];
    const table = await onTerminal(args);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/objective \d+\.?\d{0,2} pence/);
    expect(table.stdout).toMatch(/^cost\s+\d+(\.\d{1,2})?\s+pence$/m);
    expect(table.stdout).toContain('cost pence');
    expect(table.stdout).not.toMatch(/\d\.\d{7,}/);
    const json = await runCli(args);
    expect(json.stdout).not.toMatch(/\d\.\d{7,}/);
    expect(JSON.parse(json.stdout)).toMatchObject({ costUnit: 'pence' });
  });
});

describe('the licence', () => {
  it('ships the MIT licence package.json names', async () => {
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync('package.json', 'utf8')).license).toBe('MIT');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
  });
});

describe('--format', () => {
  it('defaults the same way in every command and refuses anything but json or table', async () => {
    const { buildProgram } = await import('../../../gateway/cli/program.js');
    const { FORMAT_DEFAULT } = await import('../../../gateway/cli/output.js');
    type Cmd = Awaited<ReturnType<typeof buildProgram>>;
    const all = (c: Cmd): Cmd[] => [c, ...c.commands.flatMap((s) => all(s as Cmd))];
    const formats = all(await buildProgram(['node', 'nabo'])).flatMap((c) => c.options.filter((o) => o.long === '--format').map((o) => ({ name: c.name(), description: o.description, defaultValue: o.defaultValue as unknown })));
    expect(formats.length).toBeGreaterThanOrEqual(12);
    for (const f of formats) {
      expect(f.description, f.name).toContain(FORMAT_DEFAULT);
      expect(f.defaultValue, f.name).toBeUndefined();
    }
    const r = await runCli(['config', 'check', 'deploy/examples/building.yaml', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format: "xml" is not json or table');
    // Refused before anything starts: a fleet started first would be left running.
    const fleet = await runCli(['sim', 'fleet', '--buildings', '1', '--tcp-only', '--format', 'xml']);
    expect(fleet.code).toBe(2);
    expect(fleet.stderr).not.toContain('started ');
  });
});
