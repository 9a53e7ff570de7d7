import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyHex } from '../../../core/signed-envelope.js';
import { runCli } from './run-cli.js';
import { NABO_CLI, startChild, type WatchedChild } from '../../helpers/child-process.js';
import { readKeyFile } from '../../../gateway/market/identity.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = (): string[] => ['init', '--non-interactive', '--config', join(dir, 'etc', 'nabo.yaml'), '--gateway-id', 'house-7', '--latitude', '63.43', '--longitude', '10.40', '--time-zone', 'Europe/Oslo', '--data-dir', join(dir, 'data'), '--format', 'json'];

describe('nabo init --non-interactive', () => {
  it('writes a config that `nabo config check` accepts, with the market fields from the flags', async () => {
    const r = await runCli([...base(), '--broker', 'mqtts://broker.block.local:8883', '--block-id', 'block-1', '--ca-file', '/etc/nabo/ca.crt']);
    expect(r.code).toBe(0);
    const file = join(dir, 'etc', 'nabo.yaml');
    const check = await runCli(['config', 'check', file, '--format', 'json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true, gateway: 'house-7' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('url: mqtts://broker.block.local:8883');
    expect(text).toContain('username: house-7');
    expect(text).toContain('blockId: block-1');
    expect(text).toContain('timeZone: Europe/Oslo');
  });

  it('creates a 0600 identity key whose public key it reports, and keeps it on a second run', async () => {
    const first = await runCli(base());
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { identityKey: { file: string; publicKeyHex: string; created: boolean } };
    const keyFile = join(dir, 'data', 'identity.key');
    expect(out.identityKey).toMatchObject({ file: keyFile, created: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The market's key file: the SDK's Bech32 private key, which `nabo keys show` and the services read.
    const key = readKeyFile(keyFile);
    expect(key.ok && publicKeyHex(key.value.seed)).toBe(out.identityKey.publicKeyHex);
    const before = readFileSync(keyFile);

    const again = await runCli([...base(), '--force']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).identityKey).toEqual({ file: keyFile, publicKeyHex: out.identityKey.publicKeyHex, created: false });
    expect(readFileSync(keyFile).equals(before)).toBe(true);
  });

  it('refuses to replace an existing config without --force and asks nothing first', async () => {
    await runCli(base());
    const r = await runCli(base());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists; give --force/);
  });

  it('names the missing flag and writes nothing when a required value is absent', async () => {
    const args = base().filter((a, i, all) => a !== '--latitude' && all[i - 1] !== '--latitude');
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--latitude is required with --non-interactive');
    expect(() => statSync(join(dir, 'etc', 'nabo.yaml'))).toThrow();
  });

  it('rejects a gateway id the schema would refuse, with exit 2', async () => {
    const args = base().map((a) => (a === 'house-7' ? 'House 7' : a));
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gateway-id: must be 1-63 characters');
  });

  it('exits 1 and still writes the config when a device it was told about does not answer', async () => {
    const r = await runCli([...base(), '--p1', join(dir, 'no-such-tty'), '--push-wait', '200']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { devices: number; check: { ok: boolean; devices: Array<{ deviceId: string; status: string }> } };
    expect(out.devices).toBe(1);
    expect(out.check.ok).toBe(false);
    expect(out.check.devices[0]).toMatchObject({ deviceId: 'grid-meter', status: 'failed' });
    expect((await runCli(['config', 'check', join(dir, 'etc', 'nabo.yaml'), '--format', 'json'])).code).toBe(0);
  });
});

describe('nabo init against a simulated fleet, interactive and not', () => {
  let fleet: WatchedChild | undefined;
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  /** A one-building simulated fleet on Modbus TCP; resolves once its listing is written. */
  async function startFleet(listing: string, args = ['--tcp-only', '--buildings', '1']): Promise<Array<{ building: string; kind: string; host: string; port: number; path: string; unitId: number }>> {
    fleet = startChild(process.execPath, [...NABO_CLI, 'sim', 'fleet', '--blocks', '1', ...args, '--out', listing, '--format', 'json']);
    await fleet.waitFor('fleet running', 30_000, 'stderr');
    const doc = JSON.parse(readFileSync(listing, 'utf8')) as { blocks: Array<{ buildings: Array<{ id: string; devices: Array<{ kind: string; endpoint: { host: string; port: number; path: string; unitId: number } }> }> }> };
    return doc.blocks[0]!.buildings.flatMap((b) => b.devices.map((d) => ({ building: b.id, kind: d.kind, ...d.endpoint })));
  }

  it('asks in order, asks again after a wrong answer, offers what the scan found, and ends with a check that reads the meter', async () => {
    const devices = await startFleet(join(dir, 'fleet.json'));
    const meter = devices.find((d) => d.kind === 'sdm630');
    const pv = devices.find((d) => d.kind === 'sunspec-inverter');
    expect(meter && pv).toBeTruthy();
    const answers = [
      'house-7', // gateway id
      'House 7', // name
      'north', // latitude: wrong, asked again
      '63.43',
      '10.40', // longitude
      'Europe/Oslo',
      join(dir, 'data'),
      '', // HAN: none
      '', // P1: none
      '', // RS-485: none
      `${meter!.host}:${meter!.port} ${pv!.host}:${pv!.port}`,
      '1', // unit ids
      'y', // the SDM630 as grid meter
      'n', // not the inverter
      'mqtts://broker.block.local:8883',
      '', // CA: system
      'block-1',
      '', // roster: not yet
    ];
    const config = join(dir, 'nabo.yaml');
    writeFileSync(join(dir, 'answers.txt'), `${answers.join('\n')}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'init', '--config', config, '--format', 'json', '--scan-timeout', '500'], { input: readFileSync(join(dir, 'answers.txt')), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain('Site latitude (degrees north, e.g. 63.43): north\n  must be a number -90..90\nSite latitude (degrees north, e.g. 63.43): 63.43\n');
    expect(r.stderr).toContain('Add unit 1 (Eastron SDM630-Modbus V2) as grid-meter? (y/n) [y]: y\n');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { devices: number; check: { ok: boolean; devices: Array<{ deviceId: string; status: string }> } };
    expect(out.check).toEqual({ ok: true, devices: [{ deviceId: 'grid-meter', status: 'ok', errors: [] }] });
    const check = await runCli(['config', 'check', config, '--format', 'json']);
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true, gateway: 'house-7', buses: 1, devices: 1 });
    const text = readFileSync(config, 'utf8');
    expect(text).toContain(`port: ${meter!.port}`);
    expect(text).not.toContain(`port: ${pv!.port}`);
    expect(text).toContain('name: House 7');
  }, 90_000);

  it('finds the meters on a simulated RS-485 bus and reads the P1 meter it is pointed at (needs socat)', async () => {
    if (spawnSync('sh', ['-c', 'command -v socat']).status !== 0) throw new Error('socat is missing (apt-get install -y socat): the simulated serial ports need it');
    const devices = await startFleet(join(dir, 'fleet.json'), ['--buildings', '3']);
    const rtu = devices.find((d) => d.building === 'b1-h1' && d.kind === 'sdm630');
    const p1 = devices.find((d) => d.kind === 'p1');
    expect(rtu?.path && p1?.path, JSON.stringify(devices)).toBeTruthy();
    const r = await runCli([...base(), '--p1', p1!.path, '--rs485', `${rtu!.path}:9600:none`, '--units', '1-3']);
    const out = JSON.parse(r.stdout) as { check: { ok: boolean; devices: Array<{ deviceId: string; status: string }> } };
    expect(out.check.devices.map((d) => `${d.deviceId}:${d.status}`), r.stdout + r.stderr).toEqual(['grid-meter:ok', 'meter-1:ok', 'pv:ok']);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'etc', 'nabo.yaml'), 'utf8');
    expect(text).toMatch(/kind: modbus-rtu\n\s+path: \/dev\/pts\/\d+\n\s+baudRate: 9600/);
    expect(text).toContain('model: eastron-sdm630');
  }, 90_000);

  it('stops with exit 2 when the answers end before a question without a default', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'init', '--config', join(dir, 'nabo.yaml')], { input: 'house-7\n\n', encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no answer to "Site latitude');
  });
});
