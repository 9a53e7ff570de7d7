import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = 'deploy/install.sh';
/** What a real install would create; a dry run must leave each as it found it. */
const TOUCHED = ['/opt/nabo', '/usr/local/bin/nabo', '/etc/systemd/system/nabo.service', '/etc/udev/rules.d/99-nabo-serial.rules', '/etc/nabo', '/var/lib/nabo'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-install-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A directory of stand-in commands put first on PATH. */
function fakeBin(commands: Record<string, string>): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

function install(args: string[], pathPrefix?: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, PATH: pathPrefix ? `${pathPrefix}:${process.env.PATH ?? ''}` : (process.env.PATH ?? '') };
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `+ command` lines, in order. */
const steps = (stdout: string): string[] => stdout.split('\n').filter((l) => l.startsWith('+ '));

describe('deploy/install.sh', () => {
  it('passes shellcheck (needs shellcheck)', () => {
    const r = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    if (r.error) throw new Error(`shellcheck is missing (apt-get install -y shellcheck): ${r.error.message}`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('--dry-run prints every step of an install in order and changes nothing', () => {
    const before = TOUCHED.map(existsSync);
    const r = install(['--dry-run', '--from', process.cwd(), '--udev-name', 'rs485=A10KXYZ1', '--init-arg', '--non-interactive']);
    expect(r.status).toBe(0);
    expect(TOUCHED.map(existsSync)).toEqual(before);
    const s = steps(r.stdout);
    const order = [
      /^\+ apt-get install -y --no-install-recommends python3 make g\+\+$/,
      /^\+ npm pack --pack-destination \S+ \S+$/,
      /^\+ npm install --prefix \/opt\/nabo --omit=dev .*\.tgz$/,
      /^\+ ln -sfn \/opt\/nabo\/node_modules\/nabo\/dist\/gateway\/cli\/main\.js \/usr\/local\/bin\/nabo$/,
      /^\+ usermod --append --groups dialout nabo$/,
      /^\+ install -d -m 0750 -o nabo -g nabo \/var\/lib\/nabo$/,
      /^\+ write \/etc\/systemd\/system\/nabo\.service \(mode 0644\)/,
      /^\+ systemctl daemon-reload$/,
      /^\+ install -m 0644 \S+\/deploy\/udev\/99-nabo-serial\.rules \/etc\/udev\/rules\.d\/99-nabo-serial\.rules$/,
      /^\+ write \/etc\/udev\/rules\.d\/99-nabo-names\.rules/,
      /^\+ \S*node \/opt\/nabo\/node_modules\/nabo\/dist\/gateway\/cli\/main\.js init --config \/etc\/nabo\/nabo\.yaml --data-dir \/var\/lib\/nabo --format table --non-interactive$/,
      /^\+ chown -R nabo:nabo \/var\/lib\/nabo$/,
      /^\+ systemctl enable nabo\.service$/,
    ];
    let at = -1;
    for (const re of order) {
      const i = s.findIndex((l, k) => k > at && re.test(l));
      expect(i, `step ${re} after line ${at}: ${s.join('\n')}`).toBeGreaterThan(at);
      at = i;
    }
    expect(r.stdout).toContain('SUBSYSTEM=="tty", ENV{ID_SERIAL_SHORT}=="A10KXYZ1", GROUP="dialout", MODE="0660", SYMLINK+="nabo/rs485"');
    if (!existsSync('/etc/passwd') || !readFileSync('/etc/passwd', 'utf8').includes('\nnabo:')) expect(s.some((l) => l.startsWith('+ useradd --system --user-group'))).toBe(true);
  });

  it('installs the restart back-off drop-in only where systemd is 254 or later', () => {
    const old = install(['--dry-run', '--no-init'], fakeBin({ systemctl: 'echo "systemd 252 (252.39-1~deb12u2)"' }));
    expect(old.status).toBe(0);
    expect(old.stdout).not.toContain('restart-backoff.conf');
    expect(old.stdout).toContain('systemd 252 < 254');
    const recent = install(['--dry-run', '--no-init'], fakeBin({ systemctl: 'echo "systemd 257 (257.9-1~deb13u1)"' }));
    expect(recent.stdout).toMatch(/^\+ install -m 0644 \S+restart-backoff\.conf \/etc\/systemd\/system\/nabo\.service\.d\/restart-backoff\.conf$/m);
  });

  it('points ExecStart at the node it found when that is not /usr/bin/node', () => {
    const bin = fakeBin({ node: 'echo 22.11.0' });
    const r = install(['--dry-run', '--no-init'], bin);
    expect(r.stdout).toContain(`ExecStart=${join(bin, 'node')} …`);
  });

  it('stops on a Node older than 20 and says how to get a newer one', () => {
    const r = install(['--dry-run'], fakeBin({ node: 'echo 18.19.0' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node 18.19.0');
    expect(r.stderr).toContain('deb.nodesource.com/setup_20.x');
    expect(r.stderr).toContain('Debian 13');
    expect(steps(r.stdout)).toEqual([]);
  });

  it('--uninstall removes the program, unit and rules but never the data or the config', () => {
    const r = install(['--dry-run', '--uninstall']);
    expect(r.status).toBe(0);
    const s = steps(r.stdout);
    expect(s).toContain('+ rm -rf /opt/nabo');
    expect(s).toContain('+ rm -f /etc/systemd/system/nabo.service');
    expect(s).toContain('+ systemctl disable --now nabo.service');
    expect(s.filter((l) => /\/var\/lib\/nabo|\/etc\/nabo\b|userdel/.test(l))).toEqual([]);
    expect(r.stdout).toContain('kept: /var/lib/nabo');
  });

  it('--offline (a chroot or an image being built) enables the unit but reloads and starts nothing', () => {
    const r = install(['--dry-run', '--offline', '--no-init', '--start', '--from', process.cwd()]);
    expect(r.status).toBe(0);
    const s = steps(r.stdout);
    expect(s).toContain('+ systemctl enable nabo.service');
    expect(s.filter((l) => /daemon-reload|udevadm|systemctl (re)?start|systemctl restart/.test(l))).toEqual([]);
    expect(r.stdout).toContain('offline: nabo starts when the system boots');
    const gone = steps(install(['--dry-run', '--offline', '--uninstall']).stdout);
    expect(gone).toContain('+ systemctl disable nabo.service');
    expect(gone.filter((l) => /daemon-reload|--now/.test(l))).toEqual([]);
  });

  it('refuses a malformed --udev-name and an unknown option', () => {
    const bad = install(['--dry-run', '--no-init', '--udev-name', 'RS485 bus=x y']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--udev-name RS485 bus=x y: give ROLE=SERIAL');
    expect(bad.stdout).not.toContain('99-nabo-names.rules');
    expect(install(['--bogus']).status).toBe(2);
  });
});
