import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfigText, validateConfig, loadConfigFile } from '../../../gateway/config/load.js';
import { formatPath } from '../../../core/problems.js';
import { migrateConfig, type ConfigMigration } from '../../../gateway/config/migrations.js';
import { CONFIG_VERSION } from '../../../gateway/config/schema.js';
import { configJsonSchema } from '../../../gateway/config/json-schema.js';

const EXAMPLE = 'deploy/examples/building.yaml';
const exampleDoc = (): Record<string, any> => parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, any>;

function problemsOf(doc: unknown, env: NodeJS.ProcessEnv = {}): Array<{ path: string; message: string }> {
  const r = validateConfig(doc, env);
  return r.ok ? [] : r.problems;
}

describe('config validation', () => {
  it('accepts the example building config and fills defaults', () => {
    const r = loadConfigFile(EXAMPLE, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.gateway.id).toBe('trondheim-b1-h3');
    expect(r.config.store.rawRetentionDays).toBe(7);
    expect(r.config.store.aggregateRetentionDays).toBe(365);
    const rtu = r.config.buses.find((b) => b.id === 'rs485');
    expect(rtu?.kind === 'modbus-rtu' && rtu.dataBits).toBe(8);
    expect(r.config.devices[0]?.poll).toEqual({ fastMs: 1000, slowMs: 60_000 });
  });

  it('names the path of a unit id out of range', () => {
    const doc = exampleDoc();
    doc.devices[1].unitId = 300;
    expect(problemsOf(doc)).toEqual([{ path: 'devices[1].unitId', message: 'must be 1..247' }]);
  });

  it('names a missing required field', () => {
    const doc = exampleDoc();
    delete doc.gateway.id;
    expect(problemsOf(doc)).toEqual([{ path: 'gateway.id', message: 'required' }]);
  });

  it('rejects unknown fields so typos do not pass silently', () => {
    const doc = exampleDoc();
    doc.devices[0].unitID = 3;
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('devices[0]');
    expect(problems[0]?.message).toContain("'unitID'");
  });

  it('rejects a wrong type, a bad enum and a bad bus kind', () => {
    const doc = exampleDoc();
    doc.buses[0].baudRate = 'fast';
    doc.devices[0].role = 'toaster';
    doc.buses[1].kind = 'carrier-pigeon';
    const paths = problemsOf(doc).map((p) => p.path).sort();
    expect(paths).toEqual(['buses[0].baudRate', 'buses[1].kind', 'devices[0].role']);
  });

  it('checks references between devices and buses', () => {
    const doc = exampleDoc();
    doc.devices[0].bus = 'nowhere';
    doc.devices[2].unitId = undefined;
    doc.devices.push({ ...doc.devices[1], id: 'battery-2' });
    doc.buses.push({ ...doc.buses[0] });
    const problems = problemsOf(doc);
    expect(problems).toContainEqual({ path: 'devices[0].bus', message: "no bus with id 'nowhere'" });
    expect(problems).toContainEqual({ path: 'devices[2].unitId', message: 'required for a device on a Modbus bus (1..247)' });
    expect(problems).toContainEqual({ path: 'devices[5].unitId', message: "unit 2 is already used on bus 'rs485' by devices[1]" });
    expect(problems).toContainEqual({ path: 'buses[4].id', message: "duplicate bus id 'rs485' (also buses[0])" });
  });

  it('requires the S0 meter constant and a Firmata pin', () => {
    const doc = exampleDoc();
    delete doc.devices[4].impulsesPerKWh;
    delete doc.devices[4].pin;
    const paths = problemsOf(doc).map((p) => p.path).sort();
    expect(paths).toEqual(['devices[4].impulsesPerKWh', 'devices[4].pin']);
  });

  it('reports YAML syntax errors with line and column', () => {
    const r = parseConfigText('version: 1\ngateway:\n  id: [unclosed\n', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.path).toMatch(/^\(line \d+, column \d+\)$/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(problemsOf(['a'])).toEqual([{ path: '(root)', message: expect.stringContaining('mapping') }]);
  });

  it('takes secrets from the environment instead of the file', () => {
    const doc = exampleDoc();
    const r = validateConfig(doc, { NABO_MQTT_PASSWORD: 's3cret', NABO_DEVICE_AMS_METER_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.market?.broker?.password).toBe('s3cret');
    expect(r.config.devices.find((d) => d.id === 'ams-meter')?.encryptionKey).toBe('00112233445566778899aabbccddeeff');
  });

  it('validates a secret that comes from the environment like one from the file', () => {
    const r = validateConfig(exampleDoc(), { NABO_DEVICE_AMS_METER_ENCRYPTION_KEY: 'nothex' });
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(['devices[3].encryptionKey']);
  });

  it('formats paths with indices and dots', () => {
    expect(formatPath(['devices', 2, 'poll', 'fastMs'])).toBe('devices[2].poll.fastMs');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('config versions and migrations', () => {
  it('requires a version field', () => {
    const doc = exampleDoc();
    delete doc.version;
    expect(problemsOf(doc)).toEqual([{ path: 'version', message: expect.stringContaining('required') }]);
  });

  it('refuses a config written for a newer nabo', () => {
    const doc = exampleDoc();
    doc.version = CONFIG_VERSION + 1;
    expect(problemsOf(doc)).toEqual([{ path: 'version', message: expect.stringContaining('newer') }]);
  });

  it('passes the current version through the (identity) chain unchanged', () => {
    const doc = exampleDoc();
    const r = migrateConfig(doc);
    expect(r.ok && r.value).toEqual(doc);
  });

  it('lifts an old document step by step through a migration chain', () => {
    const chain: ConfigMigration[] = [
      { from: 1, to: 2, describe: 'rename meters to devices', migrate: (d) => ({ ...d, devices: d.meters, meters: undefined }) },
      { from: 2, to: 3, describe: 'add a default', migrate: (d) => ({ ...d, added: true }) },
    ];
    const r = migrateConfig({ version: 1, meters: [1] }, chain, 3);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ version: 3, devices: [1], added: true });
    expect(r.from).toBe(1);
  });

  it('says so when a step of the chain is missing', () => {
    const r = migrateConfig({ version: 1 }, [], 2);
    expect(r.ok).toBe(false);
  });
});

describe('JSON Schema export', () => {
  it('is up to date with the zod schema (run npm run schema)', () => {
    const checkedIn = JSON.parse(readFileSync('deploy/nabo.schema.json', 'utf8'));
    expect(checkedIn).toEqual(configJsonSchema());
  });

  it('describes the device fields editors complete', () => {
    const schema = configJsonSchema() as any;
    const device = schema.properties.devices.items;
    expect(device.properties.unitId).toMatchObject({ minimum: 1, maximum: 247 });
    expect(device.additionalProperties).toBe(false);
  });

  it('round-trips the example through YAML without losing fields', () => {
    const doc = exampleDoc();
    expect(parse(stringify(doc))).toEqual(doc);
  });
});
