// Follows docs/install.md's dress rehearsal by the letter: every shell block marked
// `<!-- rehearsal: … -->` runs as written, in order, in an empty folder, with `nabo` on PATH
// standing for the installed command (here the same program from source). The last block is
// the unit's ExecStart by hand; the test then checks the store holds the simulated readings.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type WatchedChild } from '../helpers/child-process.js';

interface Step {
  mode: 'run' | 'background';
  readyWhen?: string;
  stopAfter: boolean;
  script: string;
}

/** The marked blocks of a markdown text, in order. */
function rehearsalSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  const re = /<!-- rehearsal: (run|background until "([^"]+)"( then stop)?) -->\n```sh\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(re)) {
    const background = m[1]?.startsWith('background') === true;
    steps.push({ mode: background ? 'background' : 'run', ...(m[2] ? { readyWhen: m[2] } : {}), stopAfter: m[3] !== undefined, script: m[4] ?? '' });
  }
  return steps;
}

/** A `nabo` command for PATH: the CLI from this checkout through tsx, as the installed bin would run it. */
function installStandIn(dir: string): string {
  const require = createRequire(resolve('package.json'));
  const tsxApi = require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const wrapper = join(dir, 'bin', 'nabo.mjs');
  spawnSync('mkdir', ['-p', join(dir, 'bin')]);
  writeFileSync(wrapper, `#!/usr/bin/env node\nimport { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(resolve('gateway/cli/main.ts'))});\n`);
  chmodSync(wrapper, 0o755);
  symlinkSync('nabo.mjs', join(dir, 'bin', 'nabo'));
  return join(dir, 'bin');
}

const background: WatchedChild[] = [];
let dir: string | undefined;
afterAll(async () => {
  for (const child of background.reverse()) await child.stop('SIGINT');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startUntil(script: string, cwd: string, env: NodeJS.ProcessEnv, text: string): Promise<WatchedChild> {
  const child = startChild('bash', ['-euo', 'pipefail', '-c', `exec ${script.trim()}`], { cwd, env });
  background.push(child);
  await child.waitFor(text, 60_000);
  return child;
}

describe('docs/install.md, dress rehearsal with the simulator', () => {
  it('marks the fleet, the configs and check, and the unit’s ExecStart by hand, in that order', () => {
    const steps = rehearsalSteps(readFileSync('docs/install.md', 'utf8'));
    expect(steps.map((s) => s.mode)).toEqual(['background', 'run', 'background']);
    expect(steps[0]?.script).toMatch(/^nabo sim fleet --tcp-only /);
    // By hand means the unit's own command line: its node flags, then `run --config`.
    const unitExec = /^ExecStart=\S+ (--\S+) \S+main\.js (run --config) \S+$/m.exec(readFileSync('deploy/systemd/nabo.service', 'utf8'));
    expect(unitExec).not.toBeNull();
    expect(steps[2]?.script).toMatch(new RegExp(`^node ${unitExec?.[1]} "\\$\\(readlink -f "\\$\\(command -v nabo\\)"\\)" ${unitExec?.[2]} `));
  });

  it('ends with a gateway run by the unit’s ExecStart that reads every simulated device into its store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nabo-rehearsal-'));
    const work = join(dir, 'site');
    spawnSync('mkdir', ['-p', work]);
    const env = { ...process.env, PATH: `${installStandIn(dir)}:${process.env.PATH ?? ''}`, NABO_MQTT_PASSWORD: '' };
    let daemon: WatchedChild | undefined;
    for (const step of rehearsalSteps(readFileSync('docs/install.md', 'utf8'))) {
      if (step.mode === 'run') {
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', step.script], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
        expect(r.status, `${step.script}\n${r.stdout}\n${r.stderr}`).toBe(0);
        continue;
      }
      const started = await startUntil(step.script, work, env, step.readyWhen ?? '');
      if (step.stopAfter) daemon = started;
    }
    expect(daemon).toBeDefined();
    if (!daemon) return;
    // A health line where every device has been read, then stop it as systemd would.
    // Complete lines only: the last one may still be arriving.
    const everyDeviceRead = (output: string): boolean =>
      output.split('\n').slice(0, -1).some((line) => {
        if (!line.includes('"msg":"health"')) return false;
        const devices = (JSON.parse(line) as { devices: Array<{ reads: number }> }).devices;
        return devices.length === 2 && devices.every((d) => d.reads > 0);
      });
    await daemon.waitFor(everyDeviceRead, 60_000);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    await daemon.closed;
    expect(daemon.output()).toContain('gateway stopped; readings flushed');

    const db = new Database(join(work, 'sim', 'data', 'b1-h1', 'nabo.db'), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
      expect(tables).toContain('readings');
      const perDevice = db.prepare('SELECT s.device_id AS deviceId, COUNT(*) AS n FROM readings r JOIN series s USING (series_id) GROUP BY s.device_id ORDER BY s.device_id').all() as Array<{ deviceId: string; n: number }>;
      expect(perDevice.map((d) => d.deviceId)).toEqual(['meter', 'pv']);
      expect(perDevice.every((d) => d.n > 10)).toBe(true);
    } finally {
      db.close();
    }
  }, 180_000);
});
