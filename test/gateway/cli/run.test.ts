// `nabo run` as an installer starts it: one daemon per data folder, the README's daemon line a
// single process that stops on SIGTERM, and `npx nabo run` leaving no gateway behind when only
// npx gets the signal. The last two run the built CLI (dist/, as `npm run build` makes it).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openPtyPair } from '../../../device-sim/transports/pty-pair.js';
import { requireTool } from '../../device-sim/transports/tools.js';
import { runCli } from './run-cli.js';
import { freePort } from '../../free-port.js';
import { NABO_CLI, startChild } from '../../helpers/child-process.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A config in a fresh data folder whose one device is absent (nothing listens on its port). */
async function gatewayConfig(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'nabo.yaml');
  const config = {
    version: 1,
    gateway: { id: 'test-gw', dataDir: dir },
    buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port: await freePort(), timeoutMs: 500 }],
    devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 10_000, slowMs: 60_000 } }],
  };
  writeFileSync(file, stringify(config));
  return { dir, file };
}

/** Pids of every process whose command line mentions `needle` (the test's own temp config). */
function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Kills, by pid, whatever this test started that still runs (an orphaned gateway, before the fix). */
function killLeftovers(needle: string): void {
  for (const pid of pidsMentioning(needle)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function requireBuild(): void {
  if (!existsSync('dist/gateway/cli/main.js')) throw new Error('dist/ is missing: this test runs the built CLI; run `npm run build` first (the README\'s test line does)');
}

describe('nabo run', () => {
  it('refuses a second daemon on the same data folder, naming the running one', async () => {
    const { dir, file } = await gatewayConfig();
    const first = startChild(process.execPath, [...NABO_CLI, 'run', '--config', file], { env: { ...process.env, NABO_LOG_LEVEL: 'info' } });
    cleanups.push(() => killLeftovers(file));
    await first.waitFor('gateway started', 20_000, 'stderr');

    const second = startChild(process.execPath, [...NABO_CLI, 'run', '--config', file]);
    expect(await second.closed).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`^nabo run: the store in ${dir} is in use by another nabo \\(pid ${first.proc.pid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); stop that one first, or see \`nabo status\`\\n$`));

    expect(await first.stop()).toBe(0);
    // The lock went with it: the next daemon starts.
    expect(existsSync(join(dir, 'nabo.lock'))).toBe(false);
  });

  it('runs the README\'s daemon line as one process that stops on SIGTERM, leaving nothing behind', async () => {
    requireBuild();
    const line = readFileSync('README.md', 'utf8').split('\n').find((l) => / run --config \/etc\/nabo\/nabo\.yaml/.test(l));
    if (!line) throw new Error('README has no daemon line (… run --config /etc/nabo/nabo.yaml)');
    const command = line.split(/\s+/)[0] as string;
    expect(command).not.toMatch(/^(npx|npm)$/);
    const { file } = await gatewayConfig();
    const gateway = startChild(command, ['run', '--config', file], { env: { ...process.env, NABO_LOG_LEVEL: 'info' } });
    cleanups.push(() => killLeftovers(file));
    await gateway.waitFor('gateway started', 20_000, 'stderr');
    // The pid we started is the gateway itself (node, with the bin's flag), with no children.
    const cmdline = readFileSync(`/proc/${gateway.proc.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline[0]).toMatch(/node$/);
    expect(cmdline).toContain('--max-semi-space-size=2');
    expect(pidsMentioning(file)).toEqual([gateway.proc.pid]);
    expect(await gateway.stop()).toBe(0);
    await gateway.closed;
    expect(gateway.stderr()).toContain('readings flushed');
    expect(pidsMentioning(file)).toEqual([]);
  });

  it('stops the gateway when `npx nabo run` alone gets SIGTERM (no orphan left)', async () => {
    requireBuild();
    const { file } = await gatewayConfig();
    const npx = startChild('npx', ['--no-install', 'nabo', 'run', '--config', file], { env: { ...process.env, NABO_LOG_LEVEL: 'info' } });
    cleanups.push(() => killLeftovers(file));
    await npx.waitFor('gateway started', 30_000, 'stderr');
    const gatewayPids = pidsMentioning(file).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--max-semi-space-size=2'));
    expect(gatewayPids).toHaveLength(1);
    // Only npx gets the signal, as a service manager that does not kill the whole group would send it.
    await npx.stop();
    await expect.poll(() => pidsMentioning(file), { timeout: 8_000, interval: 100 }).toEqual([]);
  });
});

describe('nabo read on a port the daemon holds (needs socat)', () => {
  it('says the port is held and points to nabo status', async () => {
    requireTool('socat');
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    // The running daemon's hold on the port: serialport's exclusive lock.
    const held = await new Promise<SerialPort>((resolve, reject) => {
      const p = new SerialPort({ path: pair.clientPath, baudRate: 9600 }, (err) => (err ? reject(err) : resolve(p)));
    });
    cleanups.push(() => new Promise<void>((r) => held.close(() => r())));
    const dir = mkdtempSync(join(tmpdir(), 'nabo-read-held-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'nabo.yaml');
    writeFileSync(
      file,
      stringify({
        version: 1,
        gateway: { id: 'test-gw', dataDir: dir },
        buses: [{ id: 'rs485', kind: 'modbus-rtu', path: pair.clientPath, baudRate: 9600, parity: 'none', timeoutMs: 300 }],
        devices: [{ id: 'grid', bus: 'rs485', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter' }],
      }),
    );
    const read = await runCli(['read', 'grid', '--config', file, '--format', 'json']);
    expect(read.code).toBe(1);
    const errors = (JSON.parse(read.stdout) as { errors: string[] }).errors;
    expect(errors.join('\n')).toMatch(/Cannot lock port \(the port is held by another program, most likely the running gateway \(`nabo run`\): see `nabo status`/);
    const check = await runCli(['check', '--config', file, '--format', 'json']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('see `nabo status`');
  });
});
