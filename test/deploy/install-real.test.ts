// install.sh for real (not --dry-run) on this machine's own root, inside a private mount
// namespace where /etc, /opt, /usr/local and /var/lib are overlays on a tmpfs: useradd,
// install, chown, the unit, the udev rules and `nabo init` all really run, and nothing of it
// outlives the namespace. Stand-ins: npm (the package is this checkout, run through tsx, so no
// registry and no build), systemctl and udevadm (no init system or udev in a container).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALLED_MODES } from './installed-modes.js';

const dir = mkdtempSync(join(tmpdir(), 'nabo-install-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requireNamespaces(): void {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (it mounts overlays in a private mount namespace)');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'true']);
  if (r.status !== 0) throw new Error(`unshare -m is not allowed here: ${r.stderr?.toString() ?? r.error?.message}`);
}

function standIns(): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const tsxApi = createRequire(resolve('package.json')).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const mainJs = `#!/usr/bin/env node\nimport { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(resolve('gateway/cli/main.ts'))});\n`;
  const log = join(dir, 'calls.log');
  const scripts: Record<string, string> = {
    // npm install puts the package (this checkout, through tsx) where the unit expects it.
    npm: `echo "npm $*" >> ${log}
case $1 in
  install) prefix=$3; mkdir -p "$prefix/node_modules/nabo/dist/gateway/cli" && cat > "$prefix/node_modules/nabo/dist/gateway/cli/main.js" <<'JS'
${mainJs}JS
    chmod 755 "$prefix/node_modules/nabo/dist/gateway/cli/main.js" ;;
esac`,
    systemctl: `echo "systemctl $*" >> ${log}; if [ "$1" = --version ]; then echo "systemd 252 (252.39-1~deb12u2)"; fi`,
    udevadm: `echo "udevadm $*" >> ${log}`,
    'apt-get': `echo "apt-get $*" >> ${log}; exit 1`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** Runs `body` in a private mount namespace with the system paths overlaid; prints what it finds. */
function inOverlaidRoot(body: string): { status: number | null; stdout: string; stderr: string } {
  const t = join(dir, 'ns');
  mkdirSync(t, { recursive: true });
  const overlays = ['/etc', '/opt', '/usr/local', '/var/lib']
    .map((p, i) => `mkdir -p ${t}/u${i} ${t}/w${i} && mount -t overlay overlay -o lowerdir=${p},upperdir=${t}/u${i},workdir=${t}/w${i} ${p}`)
    .join('\n');
  const script = `set -euo pipefail\nmount -t tmpfs tmpfs ${t}\n${overlays}\n${body}`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${standIns()}:${process.env.PATH ?? ''}` }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('deploy/install.sh, a real install (needs root and unshare)', () => {
  it('creates the user, directories, unit, udev names, key and config with the right owners and modes, and --uninstall keeps data and config', () => {
    requireNamespaces();
    if (spawnSync('id', ['nabo']).status === 0) throw new Error('a user nabo exists on this machine already; this test expects to create it');
    const init = ['--non-interactive', '--gateway-id=house-7', '--latitude=63.43', '--longitude=10.40', '--time-zone=Europe/Oslo', '--no-check'].flatMap((a) => ['--init-arg', a]).join(' ');
    // The npm stand-in installs this checkout whatever the tarball holds.
    const tarball = join(dir, 'nabo-0.1.0.tgz');
    writeFileSync(tarball, '');
    const r = inOverlaidRoot(`
bash deploy/install.sh --from ${tarball} --skip-apt --udev-name rs485=A10KXYZ1 ${init} > ${dir}/install.out
echo "passwd=$(getent passwd nabo)"
echo "groups=$(id -nG nabo)"
for f in ${INSTALLED_MODES.map(([f]) => f).join(' ')} /etc/udev/rules.d/99-nabo-names.rules; do
  echo "stat $f $(stat -c '%U:%G %a' "$f")"
done
echo "exec=$(grep '^ExecStart=' /etc/systemd/system/nabo.service)"
echo "bin=$(readlink /usr/local/bin/nabo)"
echo "names=$(cat /etc/udev/rules.d/99-nabo-names.rules)"
node /usr/local/bin/nabo config check /etc/nabo/nabo.yaml --format json > ${dir}/check.json
bash deploy/install.sh --uninstall > ${dir}/uninstall.out
for f in /opt/nabo /usr/local/bin/nabo /etc/systemd/system/nabo.service /etc/udev/rules.d/99-nabo-serial.rules /var/lib/nabo/identity.key /etc/nabo/nabo.yaml; do
  if [ -e "$f" ] || [ -L "$f" ]; then echo "after $f kept"; else echo "after $f gone"; fi
done
`);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^passwd=nabo:x:\d+:\d+:[^:]*:\/var\/lib\/nabo:\/usr\/sbin\/nologin$/m);
    expect(out).toMatch(/^groups=nabo dialout$/m);
    for (const [file, owner] of [...INSTALLED_MODES, ['/etc/udev/rules.d/99-nabo-names.rules', 'root:root 644'] as const]) {
      expect(out).toContain(`stat ${file} ${owner}`);
    }
    expect(out).toContain(`exec=ExecStart=${spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim()} --max-semi-space-size=2 /opt/nabo/node_modules/nabo/dist/gateway/cli/main.js run --config /etc/nabo/nabo.yaml`);
    expect(out).toContain('bin=/opt/nabo/node_modules/nabo/dist/gateway/cli/main.js');
    expect(out).toContain('names=SUBSYSTEM=="tty", ENV{ID_SERIAL_SHORT}=="A10KXYZ1", GROUP="dialout", MODE="0660", SYMLINK+="nabo/rs485"');
    for (const f of ['/opt/nabo', '/usr/local/bin/nabo', '/etc/systemd/system/nabo.service', '/etc/udev/rules.d/99-nabo-serial.rules']) expect(out).toContain(`after ${f} gone`);
    for (const f of ['/var/lib/nabo/identity.key', '/etc/nabo/nabo.yaml']) expect(out).toContain(`after ${f} kept`);
    expect(JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8'))).toMatchObject({ valid: true, gateway: 'house-7' });
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
    expect(calls).toMatch(/^systemctl daemon-reload$/m);
    expect(calls).toMatch(/^systemctl enable nabo\.service$/m);
    expect(calls).toMatch(/^udevadm trigger --subsystem-match=tty --action=add$/m);
    expect(calls).not.toContain('apt-get');
    // Nothing leaked out of the namespace.
    expect(spawnSync('id', ['nabo']).status).not.toBe(0);
  }, 150_000);
});
