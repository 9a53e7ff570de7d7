// Follows docs/install.md's dress rehearsal by the letter: every shell block marked
// `<!-- rehearsal: … -->` runs as written, in order, in an empty folder, with `nabo` on PATH
// standing for the installed command (the same program from source, laid out as install.sh
// lays out /opt/nabo, so the guide finds the package's deploy/ beside it). The gateway run by
// the unit's ExecStart must read every simulated device and trade with its neighbour through
// the block broker the guide configures (TLS, passwords, ACL from the roster).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type WatchedChild } from '../helpers/child-process.js';
import { MOSQUITTO, MOSQUITTO_PASSWD, OPENSSL, requireTool } from '../helpers/mosquitto.js';

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

/**
 * A `nabo` command for PATH laid out like the install: bin/nabo → pkg/dist/gateway/cli/main.js
 * (the CLI of this checkout through tsx), with pkg/deploy this checkout's deploy/.
 */
function installStandIn(dir: string): string {
  const require = createRequire(resolve('package.json'));
  const tsxApi = require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const cli = join(dir, 'pkg', 'dist', 'gateway', 'cli');
  mkdirSync(cli, { recursive: true });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(cli, 'main.js'), `#!/usr/bin/env node\nimport { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(resolve('gateway/cli/main.ts'))});\n`);
  chmodSync(join(cli, 'main.js'), 0o755);
  symlinkSync(resolve('deploy'), join(dir, 'pkg', 'deploy'));
  symlinkSync(join(cli, 'main.js'), join(dir, 'bin', 'nabo'));
  return join(dir, 'bin');
}

/** The guide's block broker listens on 8883 as a real one does; outside the range free ports are picked from. */
async function requirePortFree(port: number): Promise<void> {
  await new Promise<void>((ok, no) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => no(new Error(`the rehearsal's block broker needs 127.0.0.1:${port} (docs/install.md), which is in use: ${err.code}`)));
    server.listen(port, '127.0.0.1', () => server.close(() => ok()));
  });
}

const background: WatchedChild[] = [];
let dir: string | undefined;
afterAll(async () => {
  for (const child of background.reverse()) await child.stop('SIGINT');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A background block runs as the shell's last command (exec), so a signal reaches the program itself. */
function startBackground(script: string, cwd: string, env: NodeJS.ProcessEnv): WatchedChild {
  const line = script.trim();
  if (line.includes('\n')) throw new Error(`a background block must be one command: ${line}`);
  const [, assignments = '', command = ''] = /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)(.*)$/.exec(line) ?? [];
  const child = startChild('bash', ['-euo', 'pipefail', '-c', `${assignments}exec ${command}`], { cwd, env });
  background.push(child);
  return child;
}

interface TradeSeen {
  intervalStartMs: number;
  energyWh: number;
  resultHash: string;
}

/** This building's trades in final intervals, from its store (read while the gateway runs: WAL). */
function finalTrades(storeFile: string): TradeSeen[] {
  let db: Database.Database;
  try {
    db = new Database(storeFile, { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db
      .prepare("SELECT t.interval_start_ms AS intervalStartMs, t.energy_wh AS energyWh, i.result_hash AS resultHash FROM market_trades t JOIN market_intervals i USING (interval_start_ms) WHERE i.status = 'final' AND t.energy_wh <> 0 ORDER BY 1")
      .all() as TradeSeen[];
  } catch {
    // The store's tables are made at the gateway's start.
    return [];
  } finally {
    db.close();
  }
}

describe('docs/install.md, dress rehearsal with the simulator (needs mosquitto and openssl)', () => {
  it('marks the fleet, configs, keys and roster, broker, join, neighbour, the unit’s ExecStart by hand and the traded intervals, in that order', () => {
    const steps = rehearsalSteps(readFileSync('docs/install.md', 'utf8'));
    expect(steps.map((s) => s.mode)).toEqual(['background', 'run', 'run', 'run', 'background', 'run', 'background', 'background', 'run']);
    expect(steps[0]?.script).toMatch(/^nabo sim fleet --tcp-only .*--speed 60 /);
    expect(steps[4]?.script).toMatch(/^mosquitto -v -c broker\/mosquitto\.conf/);
    expect(steps[3]?.script).toContain('"$deploy/mosquitto/mosquitto.conf"');
    expect(steps[3]?.script).toContain('nabo roster mosquitto-acl roster.signed.json');
    // By hand means the unit's own command line: its node flags, then `run --config`.
    const unitExec = /^ExecStart=\S+ (--\S+) \S+main\.js (run --config) \S+$/m.exec(readFileSync('deploy/systemd/nabo.service', 'utf8'));
    expect(unitExec).not.toBeNull();
    expect(steps.filter((s) => s.stopAfter)).toHaveLength(1);
    expect(steps[7]?.stopAfter).toBe(true);
    expect(steps[7]?.script).toMatch(new RegExp(`^NABO_MQTT_PASSWORD=\\S+ node ${unitExec?.[1]} "\\$\\(readlink -f "\\$\\(command -v nabo\\)"\\)" ${unitExec?.[2]} sim/b1-h1/nabo.yaml`));
  });

  it('ends with a gateway run by the unit’s ExecStart that reads every simulated device and trades with its neighbour over the TLS block broker', async () => {
    requireTool(MOSQUITTO, 'mosquitto');
    requireTool(MOSQUITTO_PASSWD, 'mosquitto_passwd');
    requireTool(OPENSSL, 'openssl');
    await requirePortFree(8883);
    dir = mkdtempSync(join(tmpdir(), 'nabo-rehearsal-'));
    const work = join(dir, 'site');
    mkdirSync(work);
    const env = { ...process.env, PATH: `${installStandIn(dir)}:${process.env.PATH ?? ''}`, NABO_MQTT_PASSWORD: '', NABO_LOG_LEVEL: 'info' };
    const store = (building: string): string => join(work, 'sim', 'data', building, 'nabo.db');
    let traded: TradeSeen | undefined;
    let tradedAfterMs = 0;
    let daemon: WatchedChild | undefined;
    for (const step of rehearsalSteps(readFileSync('docs/install.md', 'utf8'))) {
      if (step.mode === 'run') {
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', step.script], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
        expect(r.status, `${step.script}\n${r.stdout}\n${r.stderr}`).toBe(0);
        continue;
      }
      const child = startBackground(step.script, work, env);
      await child.waitFor(step.readyWhen ?? '', 60_000);
      if (!step.stopAfter) continue;
      daemon = child;
      const startedMs = performance.now();
      // A health line where every device has been read (complete lines only: the last one may
      // still be arriving), and a final interval in which this building traded. Checked as the
      // gateway prints, a health line every simulated minute.
      const everyDeviceRead = (output: string): boolean =>
        output.split('\n').slice(0, -1).some((line) => {
          if (!line.includes('"msg":"health"')) return false;
          const devices = (JSON.parse(line) as { devices: Array<{ reads: number }> }).devices;
          return devices.length === 2 && devices.every((d) => d.reads > 0);
        });
      await child.waitFor(everyDeviceRead, 60_000);
      // Four real minutes are sixteen simulated intervals of a June morning.
      await child.waitFor(() => (traded ??= finalTrades(store('b1-h1'))[0]) !== undefined, 240_000);
      tradedAfterMs = performance.now() - startedMs;
      // Ctrl-C (here SIGTERM, as systemd sends) before the guide's next step.
      expect(await child.stop('SIGTERM')).toBe(0);
      await child.closed;
      expect(child.output()).toContain('gateway stopped; readings flushed');
    }
    expect(daemon).toBeDefined();
    expect(traded).toBeDefined();
    if (!traded) return;
    const ours = traded;

    const db = new Database(store('b1-h1'), { readonly: true });
    try {
      const perDevice = db.prepare('SELECT s.device_id AS deviceId, COUNT(*) AS n FROM readings r JOIN series s USING (series_id) GROUP BY s.device_id ORDER BY s.device_id').all() as Array<{ deviceId: string; n: number }>;
      expect(perDevice.map((d) => d.deviceId)).toEqual(['meter', 'pv']);
      expect(perDevice.every((d) => d.n > 10)).toBe(true);
    } finally {
      db.close();
    }
    // Its counterparty is the neighbour (the grid is no party to a trade): the same final result,
    // and the opposite side of the trade in the neighbour's store.
    const neighbour = finalTrades(store('b1-h2')).find((t) => t.intervalStartMs === ours.intervalStartMs);
    expect(neighbour?.resultHash).toBe(ours.resultHash);
    expect(Math.sign(neighbour?.energyWh ?? 0)).toBe(-Math.sign(ours.energyWh));
    process.stdout.write(`rehearsal: b1-h1 traded ${ours.energyWh} Wh in the interval of ${new Date(ours.intervalStartMs).toISOString()} (simulated), ${(tradedAfterMs / 1000).toFixed(0)} real s after its gateway started\n`);
  }, 420_000);
});
