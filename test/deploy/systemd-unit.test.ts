import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const UNIT = 'deploy/systemd/nabo.service';
const DROP_IN = 'deploy/systemd/nabo.service.d/restart-backoff.conf';

function requireSystemdAnalyze(): number {
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemd-analyze is missing (apt-get install -y systemd): ${r.error?.message ?? r.stderr}`);
  return Number(/systemd (\d+)/.exec(r.stdout)?.[1] ?? 0);
}

/** The unit as installed, but with ExecStart on this machine's node and the repository's CLI. */
function unitForHere(): string {
  const text = readFileSync(UNIT, 'utf8');
  const exec = /^ExecStart=(\S+) (.*?)(\S+main\.js) (.*)$/m.exec(text);
  if (!exec) throw new Error('no ExecStart=<node> … main.js … line in the unit');
  return text.replace(exec[0], `ExecStart=${process.execPath} ${exec[2]}${resolve('gateway/cli/main.ts')} ${exec[4]}`);
}

function verify(dir: string): { status: number | null; stderr: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'nabo.service')], { encoding: 'utf8' });
  return { status: r.status, stderr: `${r.stdout}${r.stderr}` };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the systemd unit (needs systemd-analyze)', () => {
  it('passes systemd-analyze verify without a single warning', () => {
    requireSystemdAnalyze();
    writeFileSync(join(dir, 'nabo.service'), unitForHere());
    const r = verify(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails verify when ExecStart names a binary that is not there (the check is real)', () => {
    requireSystemdAnalyze();
    writeFileSync(join(dir, 'nabo.service'), unitForHere().replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'));
    expect(verify(dir).status).not.toBe(0);
  });

  it('runs the daemon as one node process, hardened, as its own user with the serial group', () => {
    const text = readFileSync(UNIT, 'utf8');
    const exec = /^ExecStart=(.*)$/m.exec(text)?.[1] ?? '';
    expect(exec).toMatch(/^\/usr\/bin\/node --max-semi-space-size=2 \/opt\/nabo\/node_modules\/nabo\/dist\/gateway\/cli\/main\.js run --config \/etc\/nabo\/nabo\.yaml$/);
    expect(exec).not.toMatch(/npx|\bsh\b|bash/);
    for (const line of ['Type=notify', 'User=nabo', 'SupplementaryGroups=dialout', 'StateDirectory=nabo', 'ProtectSystem=strict', 'ProtectHome=true', 'PrivateTmp=true', 'NoNewPrivileges=true', 'Restart=on-failure', 'StartLimitIntervalSec=0']) {
      expect(text).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(text).toMatch(/^WatchdogSec=\d+s$/m);
    expect(text).toMatch(/^MemoryMax=\d+M$/m);
    expect(text).toMatch(/^CPUQuota=\d+%$/m);
  });

  it('scores as well exposed as systemd-analyze security allows for a daemon with serial ports (≤ 3.0)', () => {
    requireSystemdAnalyze();
    writeFileSync(join(dir, 'nabo.service'), unitForHere());
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', join(dir, 'nabo.service')], { encoding: 'utf8' });
    const score = Number(/Overall exposure level for nabo\.service: ([\d.]+)/.exec(r.stdout)?.[1]);
    expect(score).toBeLessThanOrEqual(3.0);
  });

  it('has a restart back-off drop-in that this systemd understands, or that install.sh must leave out', () => {
    const version = requireSystemdAnalyze();
    writeFileSync(join(dir, 'nabo.service'), unitForHere());
    mkdirSync(join(dir, 'nabo.service.d'));
    cpSync(DROP_IN, join(dir, 'nabo.service.d', 'restart-backoff.conf'));
    const r = verify(dir);
    if (version >= 254) expect(r.stderr).toBe('');
    else expect(r.stderr).toMatch(/Unknown key 'RestartSteps'/);
    // install.sh gates the drop-in on the same version.
    expect(readFileSync('deploy/install.sh', 'utf8')).toMatch(/^SYSTEMD_BACKOFF_MIN=254$/m);
  });
});
