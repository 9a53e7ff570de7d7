import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfigFile, validateConfig } from '../../../gateway/config/load.js';
import { CONFIG_VERSION } from '../../../gateway/config/schema.js';
import { runCli } from '../cli/run-cli.js';

const V1_FILE = 'test/fixtures/config/building-v1.yaml';
const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function v2Doc(): Record<string, unknown> {
  return parse(readFileSync('deploy/examples/building.yaml', 'utf8')) as Record<string, unknown>;
}

/** Runs `nabo config check` on a document; returns the exit code and what went to stderr. */
async function check(doc: unknown): Promise<{ code: number; stderr: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-config-'));
  dirs.push(dir);
  const file = join(dir, 'nabo.yaml');
  writeFileSync(file, stringify(doc));
  return runCli(['config', 'check', file, '--format', 'json']);
}

describe('config version 2', () => {
  it('is the version this nabo writes', () => {
    expect(CONFIG_VERSION).toBe(2);
    expect(v2Doc().version).toBe(2);
  });

  it('migrates a real version 1 file with every section and passes nabo config check', async () => {
    const r = loadConfigFile(V1_FILE, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(1);
    // The interval length moved to gateway, the block broker under market, nothing was lost.
    expect(r.config.gateway.intervalMinutes).toBe(15);
    expect(r.config.market).toMatchObject({ enabled: false, blockId: 'trondheim-b1', broker: { url: 'mqtts://market.example.invalid:8883', username: 'trondheim-b1-h3' } });
    expect(r.config.devices.map((d) => d.id)).toEqual(['grid-meter', 'battery', 'pv-inverter', 'ams-meter', 'heat-pump']);
    expect(r.config.devices.every((d) => d.capabilities.join() === 'read')).toBe(true);
    const doc = parse(readFileSync(V1_FILE, 'utf8')) as unknown;
    const out = await check(doc);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ valid: true, migratedFrom: 1 });
  });

  it('applies NABO_MQTT_PASSWORD to a migrated version 1 file', () => {
    const r = loadConfigFile(V1_FILE, { NABO_MQTT_PASSWORD: 'from-env' });
    expect(r.ok && r.config.market?.broker?.password).toBe('from-env');
  });

  it('refuses an unknown model with exit 2, naming the path', async () => {
    const doc = v2Doc();
    (doc.devices as Array<Record<string, unknown>>)[0]!.model = 'eastron-sdm999';
    const out = await check(doc);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^devices\[0\]\.model: unknown model 'eastron-sdm999'; did you mean .*'eastron-sdm630'/m);
  });

  it('refuses a model on a bus kind that cannot carry it, with exit 2', async () => {
    const doc = v2Doc();
    const devices = doc.devices as Array<Record<string, unknown>>;
    devices[0]!.model = 'han';
    const out = await check(doc);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("devices[0].model: model 'han' is read on a han bus, not on a modbus-rtu bus");
  });

  it('says what type was expected and what was found, with exit 2', async () => {
    const doc = v2Doc();
    (doc.devices as Array<Record<string, unknown>>)[0]!.poll = { fastMs: 'fast', slowMs: 60000 };
    (doc.gateway as Record<string, unknown>).intervalMinutes = 7.5;
    const out = await check(doc);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("devices[0].poll.fastMs: expected a number, got 'fast'");
    expect(out.stderr).toContain('gateway.intervalMinutes: expected an integer, got 7.5');
  });

  it('asks for the safety limits of a battery that nabo may steer', () => {
    const doc = v2Doc();
    const battery = (doc.devices as Array<Record<string, unknown>>)[1]!;
    delete battery.limits;
    const r = validateConfig(doc, {});
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(['devices[1].limits.maxChargeW', 'devices[1].limits.maxDischargeW']);
  });

  it('takes the connection cap under site and refuses one that is not a positive number of W', () => {
    const doc = v2Doc();
    doc.site = { latitude: 63.43, longitude: 10.4, connectionCapW: 17_250 };
    const good = validateConfig(doc, {});
    expect(good.ok && good.config.site.connectionCapW).toBe(17_250);
    doc.site = { latitude: 63.43, longitude: 10.4, connectionCapW: -1 };
    const bad = validateConfig(doc, {});
    expect(bad.ok ? [] : bad.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['site.connectionCapW: must be a positive number of W']);
  });

  it('refuses a relay that is not on a Firmata board', () => {
    const doc = v2Doc();
    (doc.devices as Array<Record<string, unknown>>)[0]!.capabilities = ['read', 'relay'];
    const r = validateConfig(doc, {});
    expect(r.ok ? [] : r.problems).toEqual([{ path: 'devices[0].capabilities', message: expect.stringContaining('Firmata') }]);
  });

  it('requires an API token when the API listens beyond loopback, and takes it from NABO_API_TOKEN', () => {
    const doc = v2Doc();
    doc.api = { listen: { host: '0.0.0.0', port: 8080 } };
    const r = validateConfig(doc, {});
    expect(r.ok ? [] : r.problems).toEqual([{ path: 'api.token', message: expect.stringContaining('not a loopback address') }]);
    const withToken = validateConfig(doc, { NABO_API_TOKEN: 'a-long-enough-token-1234' });
    expect(withToken.ok && withToken.config.api?.token).toBe('a-long-enough-token-1234');
  });

  it('lets market, uplink and api be absent: such a gateway reads and stores only', () => {
    const doc = v2Doc();
    delete doc.market;
    delete doc.uplink;
    delete doc.api;
    const r = validateConfig(doc, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.config.market, r.config.uplink, r.config.api]).toEqual([undefined, undefined, undefined]);
  });
});

describe('nabo config migrate', () => {
  it('writes a version 1 file as version 2 that loads to the same config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabo-config-'));
    dirs.push(dir);
    const out = join(dir, 'nabo.yaml');
    expect((await runCli(['config', 'migrate', V1_FILE, '--out', out])).code).toBe(0);
    const lifted = loadConfigFile(out, {});
    const original = loadConfigFile(V1_FILE, {});
    expect(lifted.ok && lifted.migratedFrom).toBe(undefined);
    expect(lifted.ok && original.ok && { ...lifted.config, version: 0 }).toEqual(original.ok && { ...original.config, version: 0 });
    expect(readFileSync(out, 'utf8')).toMatch(/^# Lifted from version 1 to 2/);
  });
});
