// What an installer sees when start-up fails: one clear line and the documented exit code
// (STYLE.md: 1 the work failed, 2 usage or configuration), never a stack trace; config
// problems once, YAML syntax errors whole.
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../../gateway/store/store.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from './run-cli.js';

afterAll(removeTempFolders);

function gatewayConfig(dir: string): string {
  const file = join(dir, 'nabo.yaml');
  writeFileSync(file, `version: 1\ngateway: { id: gw, dataDir: ${JSON.stringify(dir)} }\nbuses: []\ndevices: []\n`);
  return file;
}

function expectOneLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
}

describe('start-up errors on the command line', () => {
  it('names a store file that is not a database in one line and exits 1', async () => {
    const dir = tempFolder('nabo-errors-');
    writeFileSync(join(dir, 'nabo.db'), 'these are notes, not a SQLite database\n'.repeat(200));
    const { code, stderr } = await runCli(['run', '--config', gatewayConfig(dir)]);
    expect(code).toBe(1);
    expectOneLine(stderr);
    expect(stderr).toMatch(/^nabo: .*nabo\.db is not a SQLite database.*move it aside/);
  });

  it('names a damaged store in one line and exits 1', async () => {
    const dir = tempFolder('nabo-errors-');
    const file = join(dir, 'nabo.db');
    const store = Store.open(file);
    store.close();
    // Keep the header (page 1), break the pages after it.
    const fd = openSync(file, 'r+');
    const size = statSync(file).size;
    writeSync(fd, Buffer.alloc(Math.max(0, size - 4096), 0xa5), 0, Math.max(0, size - 4096), 4096);
    closeSync(fd);
    const { code, stderr } = await runCli(['run', '--config', gatewayConfig(dir)]);
    expect(code).toBe(1);
    expectOneLine(stderr);
    expect(stderr).toMatch(/^nabo: .*nabo\.db (is damaged|failed its integrity check|is not a SQLite database)/);
  });

  it('says the demo needs socat and suggests --tcp-only, in one line, exit 1', async () => {
    const path = process.env.PATH;
    process.env.PATH = tempFolder('nabo-no-tools-');
    try {
      const { code, stderr } = await runCli(['demo', '--buildings', '1', '--blocks', '1', '--hours', '1']);
      expect(code).toBe(1);
      expectOneLine(stderr);
      expect(stderr).toMatch(/socat is not installed.*--tcp-only/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('prints each config problem once and a YAML syntax error whole', async () => {
    const dir = tempFolder('nabo-errors-');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'version: 1\ngateway: {id: gw\n  bad: [\n');
    const { code, stdout, stderr } = await runCli(['config', 'check', file, '--format', 'table']);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    // The first problem with the excerpt and the caret under its place.
    expect(stdout).toContain('(line 2, column 15): Implicit keys need to be on a single line');
    expect(stdout).toMatch(/gateway: \{id: gw\n\s+\^/);
    expect(stdout.split('Implicit keys need to be on a single line')).toHaveLength(2);
  });

  it('nabo check on the example config without its hardware reports each device, the missing pulse board too, and exits 1', async () => {
    const { code, stdout } = await runCli(['check', '--config', 'deploy/examples/building.yaml', '--push-wait', '300', '--format', 'json']);
    expect(code).toBe(1);
    const devices = (JSON.parse(stdout) as { devices: Array<{ deviceId: string; status: string; errors: string[] }> }).devices;
    expect(devices.map((d) => d.status)).toEqual(devices.map(() => 'failed'));
    expect(devices.find((d) => d.deviceId === 'heat-pump')?.errors.join(' ')).toMatch(/board not ready/);
  }, 30_000);
});
