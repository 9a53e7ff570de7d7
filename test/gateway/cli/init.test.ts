import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyHex } from '../../../core/signed-envelope.js';
import { runCli } from './run-cli.js';

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
    const keyFile = join(dir, 'data', 'identity-key.json');
    expect(out.identityKey).toMatchObject({ file: keyFile, created: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const seed = Buffer.from((JSON.parse(readFileSync(keyFile, 'utf8')) as { secretKeyHex: string }).secretKeyHex, 'hex');
    expect(publicKeyHex(seed)).toBe(out.identityKey.publicKeyHex);

    const again = await runCli([...base(), '--force']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).identityKey).toEqual({ file: keyFile, publicKeyHex: out.identityKey.publicKeyHex, created: false });
    expect(readFileSync(keyFile).equals(Buffer.from(`${JSON.stringify({ secretKeyHex: seed.toString('hex') })}\n`))).toBe(true);
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

describe('nabo init, interactive with answers piped to stdin', () => {
  let fleet: ChildProcess | undefined;
  afterEach(async () => {
    if (fleet && fleet.exitCode === null) {
      const exited = new Promise((resolve) => fleet?.once('exit', resolve));
      fleet.kill('SIGTERM');
      await exited;
    }
    fleet = undefined;
  });

  /** A one-building simulated fleet on Modbus TCP; resolves once its listing is written. */
  async function startFleet(listing: string): Promise<Array<{ kind: string; host: string; port: number }>> {
    fleet = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'sim', 'fleet', '--tcp-only', '--blocks', '1', '--buildings', '1', '--out', listing, '--format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fleet did not start within 30 s: ${stderr}`)), 30_000);
      fleet?.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('fleet running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      fleet?.once('exit', (code) => reject(new Error(`the fleet exited with ${code}: ${stderr}`)));
    });
    const doc = JSON.parse(readFileSync(listing, 'utf8')) as { blocks: Array<{ buildings: Array<{ devices: Array<{ kind: string; endpoint: { host: string; port: number } }> }> }> };
    return doc.blocks[0]!.buildings[0]!.devices.map((d) => ({ kind: d.kind, host: d.endpoint.host, port: d.endpoint.port }));
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
      '', // RS-485: none
      '', // HAN: none
      '', // P1: none
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

  it('stops with exit 2 when the answers end before a question without a default', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'init', '--config', join(dir, 'nabo.yaml')], { input: 'house-7\n\n', encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no answer to "Site latitude');
  });
});
