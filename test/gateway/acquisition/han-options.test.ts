// The HAN options an installer sets in the gateway config (devices[].han: country, scaler
// overrides) reach the decoder through the push decoder the gateway builds, and a bad option
// stops `nabo config check` with its path. Real captures from test/fixtures/captures/han-amsreader.json.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { hanReaderOptions } from '../../../gateway/acquisition/han-options.js';
import { hanDecoder } from '../../../gateway/acquisition/push-decoders.js';
import type { PushedFrame } from '../../../gateway/bus/push-port.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);

interface Capture { id: string; country: string; raw_hex: string }
const CAPTURES = (JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/captures/han-amsreader.json', import.meta.url)), 'utf8')) as { entries: Capture[] }).entries;
const bytesOf = (id: string): Uint8Array => {
  const c = CAPTURES.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no capture ${id}`);
  return Uint8Array.from(Buffer.from(c.raw_hex, 'hex'));
};

function configWith(han: unknown, timeZone = 'Europe/Stockholm') {
  return {
    version: 2,
    gateway: { id: 'gw', timeZone },
    buses: [{ id: 'han', kind: 'han', path: '/dev/nabo/han' }],
    devices: [{ id: 'ams', bus: 'han', model: 'han', role: 'grid-meter', ...(han === undefined ? {} : { han }) }],
  };
}

/** The frame the gateway's push decoder makes of one capture, with the device's options from the config. */
function pushThroughGateway(raw: unknown, captureId: string): PushedFrame {
  const checked = validateConfig(raw, {});
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const device = checked.config.devices[0];
  const results = hanDecoder(hanReaderOptions(device, checked.config.gateway.timeZone)).push(bytesOf(captureId));
  expect(results).toHaveLength(1);
  const r = results[0]!;
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

describe('HAN options in the gateway config', () => {
  it("a Swedish Kamstrup with han.country SE counts Wh: the energy its source's README gives, not the Norwegian tenfold", () => {
    // amsreader issue 239: its decoder shows 320 141.580 kWh (10 Wh per count), ten times what the meter means.
    const se = pushThroughGateway(configWith({ country: 'SE' }), 'han-kamstrup-gh239-2');
    expect(se.values.energyImportWh).toBe(32_014_158);
    expect(se.values).toMatchObject({ voltageL1V: 241, voltageL2V: 240, voltageL3V: 243, currentL1A: 2.87 });
    expect(se.meterId).toBe('5706567331323526');
    expect(se.warnings).toBeUndefined();
    const none = pushThroughGateway(configWith(undefined), 'han-kamstrup-gh239-2');
    expect(none.values.energyImportWh).toBe(320_141_580);
  });

  it('reads the meter clock in the gateway time zone (Finland is an hour ahead of Norway)', () => {
    const se = pushThroughGateway(configWith({ country: 'SE' }, 'Europe/Stockholm'), 'han-kamstrup-gh239-2');
    const fi = pushThroughGateway(configWith({ country: 'SE' }, 'Europe/Helsinki'), 'han-kamstrup-gh239-2');
    expect(se.meterTimeMs).toBeDefined();
    expect((se.meterTimeMs as number) - (fi.meterTimeMs as number)).toBe(3_600_000);
  });

  it('a CT Kamstrup with its current scalers overridden to mA reads currents that fit P and Q, and warns no more', () => {
    const plain = pushThroughGateway(configWith(undefined, 'Europe/Oslo'), 'han-kamstrup-gh216-1');
    expect(plain.warnings?.join(' ')).toMatch(/V·I .* scaler too large/);
    const ct = pushThroughGateway(configWith({ scalers: { '31.7.0': -3, '51.7.0': -3, '71.7.0': -3 } }, 'Europe/Oslo'), 'han-kamstrup-gh216-1');
    expect(ct.values.currentL1A).toBeCloseTo(90.999, 6);
    expect(ct.warnings).toBeUndefined();
  });

  it('a wrong scaler override gives the plausibility warning on the pushed frame', () => {
    const wrong = pushThroughGateway(configWith({ country: 'SE', scalers: { '1-1:32.7.0.255': -1 } }), 'han-kamstrup-gh239-2');
    expect(wrong.values.voltageL1V).toBe(24.1);
    expect(wrong.warnings).toEqual(['voltageL1V = 24.1 V is not a grid voltage: wrong scaler?']);
  });

  it('names the path of each bad option', () => {
    const problems = (han: unknown): unknown => {
      const r = validateConfig(configWith(han), {});
      return r.ok ? 'ok' : r.problems.map((p) => p.path);
    };
    expect(problems({ country: 'SW' })).toEqual(['devices[0].han.country']);
    expect(problems({ scalers: { '31.7.0': 12 } })).toEqual(['devices[0].han.scalers.31.7.0']);
    expect(problems({ scalers: { '31.7.0': -2.5 } })).toEqual(['devices[0].han.scalers.31.7.0']);
    expect(problems({ scalers: { '1-1:31.7.0': -3 } })).toEqual(['devices[0].han.scalers.1-1:31.7.0']);
    // An option the decoder does not have is named at its mapping, as every unknown field is.
    const unknown = validateConfig(configWith({ layout: 'kaifa' }), {});
    expect(unknown.ok ? [] : unknown.problems).toEqual([{ path: 'devices[0].han', message: expect.stringContaining("'layout'") }]);
    expect(problems({ country: 'DK', scalers: { '1-0:31.7.0.255': -3, '13.7.0': -3 } })).toBe('ok');
  });

  it('nabo config check exits 2 on a bad HAN option and names its path', () => {
    const dir = tempFolder('nabo-han-options-');
    const file = join(dir, 'nabo.yaml');
    const yaml = readFileSync('deploy/examples/house-han-pv-battery.yaml', 'utf8').replace('    role: grid-meter\n', '    role: grid-meter\n    han: { country: SE, scalers: { "31.7.0": 12 } }\n');
    expect(yaml).toContain('"31.7.0": 12');
    writeFileSync(file, yaml);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'config', 'check', file, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NABO_MQTT_PASSWORD: '' } });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).problems).toEqual([{ path: 'devices[0].han.scalers.31.7.0', message: 'must be -9..9' }]);
    writeFileSync(file, yaml.replace('"31.7.0": 12', '"31.7.0": -3'));
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'config', 'check', file, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NABO_MQTT_PASSWORD: '' } });
    expect(ok.status).toBe(0);
  });
});
