import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);

function nabo(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', ...args], { encoding: 'utf8', input, env: { ...process.env, NABO_MQTT_PASSWORD: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nabo command line', () => {
  it('prints its version and help', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(nabo(['--version']).stdout.trim()).toBe(pkg.version);
    const help = nabo(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('config');
    expect(help.stdout).toContain('Example:');
  });

  it('gives every subcommand a help with an example', () => {
    const help = nabo(['config', 'check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Example:\n\s+\$ nabo config check/);
  });

  it('exits 0 on the example config and 2 on a broken copy, naming the field', () => {
    const ok = nabo(['config', 'check', 'deploy/examples/building.yaml', '--format', 'json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, devices: 5 });
    const dir = tempFolder('nabo-cli-');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync('deploy/examples/building.yaml', 'utf8').replace('unitId: 2', 'unitId: 0'));
    const bad = nabo(['config', 'check', broken, '--format', 'json']);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).problems).toEqual([{ path: 'devices[1].unitId', message: 'must be 1..247' }]);
    expect(bad.stderr).toContain('devices[1].unitId: must be 1..247');
  });

  it('exits 2 when the config file does not exist', () => {
    const r = nabo(['config', 'check', '/nonexistent/nabo.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ENOENT');
  });

  it('exits 2 on an unknown option', () => {
    expect(nabo(['config', 'check', '--bogus']).status).toBe(2);
  });
});

describe('CI and README', () => {
  it('.ci/run runs exactly the test line the README gives', () => {
    const readme = readFileSync('README.md', 'utf8');
    const ci = readFileSync('.ci/run', 'utf8');
    const ciLine = ci.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !/^(set|cd|export) /.test(l)).pop();
    expect(ciLine).toBeTruthy();
    expect(readme).toContain(ciLine as string);
  });
});
