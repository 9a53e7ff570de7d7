// deploy/install.sh into a pristine Debian made with debootstrap, the way docs/install.md's
// "Installing" section says: the release tarball (`npm run build`, `npm pack`) unpacked in
// /root, `bash package/deploy/install.sh --from nabo-<version>.tgz`, run in a chroot of a
// minbase Debian 12 with systemd and udev installed but not running (hence --offline). Then
// the installed gateway runs as user nabo in the chroot until it reports started, and
// --uninstall keeps data and config. Long (debootstrap alone takes about two minutes and
// needs deb.debian.org), so it runs with `npm run bench:install`, not in the default suite.
//
// What is stood in, and why: Node 20 is the host's binary bind-mounted at /usr/bin/node
// (Debian 12 ships Node 18; docs/install.md says how to get 20 from NodeSource); npm is a
// stand-in that unpacks the packed tarball as `npm install --prefix` lays it out and links the
// dependencies the host built for this Node and architecture (the test machine reaches no
// GitHub for better-sqlite3's prebuilt binary, and compiling it would add minutes); apt-get
// is skipped (--skip-apt: nothing is compiled). Mounts live in a private mount namespace and
// vanish with it; the gateway runs in its own network namespace, so its API port is its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALLED_MODES } from '../deploy/installed-modes.js';
import { startChild } from '../helpers/child-process.js';
import { tempFolder, removeTempFolders } from '../temp-folders.js';

const SUITE = process.env.NABO_DEBIAN_SUITE ?? 'bookworm';
const MIRROR = process.env.NABO_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/** Downloaded .debs kept here between runs, when set (debootstrap --cache-dir). */
const CACHE = process.env.NABO_DEBOOTSTRAP_CACHE;

const dir = tempFolder('nabo-debootstrap-');
const root = join(dir, 'root');
const timings: Array<[string, number]> = [];

afterAll(() => {
  // Never remove a tree that still has something mounted in it (the host's /dev, say).
  const mounted = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(root));
  if (mounted.length > 0) throw new Error(`still mounted under ${root}, left in place:\n${mounted.join('\n')}`);
  removeTempFolders();
});

function requireTools(): void {
  if (process.getuid?.() !== 0) throw new Error('this bench needs root (debootstrap, chroot, mount namespaces)');
  for (const tool of ['debootstrap', 'unshare', 'chroot', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`this bench needs ${tool} (apt-get install -y debootstrap util-linux coreutils iproute2)`);
  }
  const r = spawnSync('unshare', ['-m', '-n', '--propagation', 'private', 'true']);
  if (r.status !== 0) throw new Error(`unshare -m -n is not allowed here: ${r.stderr?.toString()}`);
}

function timed<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    timings.push([what, Math.round(performance.now() - t0)]);
  }
}

function sh(cmd: string, args: string[], opts: { cwd?: string; timeoutMs: number }): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout?.slice(-4000)}\n${r.stderr?.slice(-4000)}`);
  return r.stdout;
}

/** Mounts the chroot needs, in the caller's (private) mount namespace. */
function mounts(nodeModules: string): string {
  return [
    `mount -t proc proc ${root}/proc`,
    `mount --bind /dev ${root}/dev`,
    `touch ${root}/usr/bin/node && mount --bind ${process.execPath} ${root}/usr/bin/node`,
    `mkdir -p ${root}/opt/nabo-host/node_modules`,
    `mount --bind ${nodeModules} ${root}/opt/nabo-host/node_modules && mount -o remount,bind,ro ${root}/opt/nabo-host/node_modules`,
  ].join('\n');
}

const NPM_STAND_IN = `#!/bin/sh
# npm stand-in (test/bench/install-debootstrap.test.ts): the packed tarball laid out as
# 'npm install --prefix' does, with the host's dependencies for this Node and architecture.
set -eu
echo "npm $*" >> /root/npm-calls.log
[ "$1" = install ] || { echo "npm stand-in: only install is stood in for" >&2; exit 1; }
prefix=$3
for a in "$@"; do tarball=$a; done
mkdir -p "$prefix/node_modules/nabo"
tar xzf "$tarball" -C "$prefix/node_modules/nabo" --strip-components=1
ln -s /opt/nabo-host/node_modules "$prefix/node_modules/nabo/node_modules"
`;

const IN_ROOT = `/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root`;

describe(`deploy/install.sh into a debootstrap Debian (${SUITE}) (needs root, unshare, debootstrap and ${MIRROR})`, () => {
  it('installs the packed release as the guide says, the installed gateway runs as user nabo, and --uninstall keeps data and config', async () => {
    requireTools();
    const nodeModules = realpathSync('node_modules');
    if (CACHE) mkdirSync(CACHE, { recursive: true });
    timed('debootstrap minbase + systemd, udev', () =>
      sh('debootstrap', ['--variant=minbase', '--include=systemd,udev', ...(CACHE ? [`--cache-dir=${resolve(CACHE)}`] : []), SUITE, root, MIRROR], { timeoutMs: 900_000 }),
    );
    timed('npm run build', () => sh('npm', ['run', 'build'], { timeoutMs: 600_000 }));
    const tarball = timed('npm pack', () => sh('npm', ['pack', '--silent', '--pack-destination', join(root, 'root')], { timeoutMs: 120_000 }).trim().split('\n').pop() ?? '');
    expect(tarball).toMatch(/^nabo-\d+\.\d+\.\d+\.tgz$/);
    writeFileSync(join(root, 'usr/local/bin/npm'), NPM_STAND_IN, { mode: 0o755 });

    // The guide's "Installing" commands, in /root of the new system, then what they left.
    const init = ['--non-interactive', '--gateway-id=house-7', '--latitude=63.43', '--longitude=10.40', '--time-zone=Europe/Oslo', '--no-check'].map((a) => `--init-arg ${a}`).join(' ');
    const inside = `cd /root
tar xzf ${tarball}
bash package/deploy/install.sh --dry-run --offline --from ${tarball} > dry-run.out
bash package/deploy/install.sh --offline --skip-apt --from ${tarball} --udev-name rs485=A10KXYZ1 ${init}
echo "release=$(. /etc/os-release && echo $ID $VERSION_ID)"
echo "passwd=$(getent passwd nabo)"
echo "groups=$(id -nG nabo)"
for f in ${INSTALLED_MODES.map(([f]) => f).join(' ')}; do
  echo "stat $f $(stat -c '%U:%G %a' "$f")"
done
echo "enabled=$(systemctl is-enabled nabo.service)"
systemd-analyze verify /etc/systemd/system/nabo.service && echo "verify=ok"
nabo config check /etc/nabo/nabo.yaml --format json > check.json
`;
    const installed = timed('install.sh in the chroot', () => sh('unshare', ['-m', '--propagation', 'private', 'bash', '-euo', 'pipefail', '-c', `${mounts(nodeModules)}\nchroot ${root} ${IN_ROOT} bash -euo pipefail -c '${inside.replaceAll("'", "'\\''")}'`], { timeoutMs: 300_000 }));
    expect(installed).toMatch(/^release=debian 12$/m);
    expect(installed).toMatch(/^passwd=nabo:x:\d+:\d+:nabo gateway:\/var\/lib\/nabo:\/usr\/sbin\/nologin$/m);
    expect(installed).toMatch(/^groups=nabo dialout$/m);
    for (const [file, owner] of INSTALLED_MODES) {
      expect(installed).toContain(`stat ${file} ${owner}`);
    }
    expect(installed).toMatch(/^enabled=enabled$/m);
    expect(installed).toMatch(/^verify=ok$/m);
    expect(JSON.parse(readFileSync(join(root, 'root/check.json'), 'utf8'))).toMatchObject({ valid: true, gateway: 'house-7' });
    expect(readFileSync(join(root, 'etc/systemd/system/nabo.service'), 'utf8')).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=2 \/opt\/nabo\/node_modules\/nabo\/dist\/gateway\/cli\/main\.js run --config \/etc\/nabo\/nabo\.yaml$/m);
    // The release carries what the guide and the unit name, and the compiled program.
    for (const f of ['dist/gateway/cli/main.js', 'deploy/install.sh', 'deploy/systemd/nabo.service', 'deploy/mosquitto/mosquitto.conf', 'docs/install.md']) expect(existsSync(join(root, 'opt/nabo/node_modules/nabo', f)), f).toBe(true);
    expect(readdirSync(join(root, 'opt/nabo/node_modules/nabo'))).not.toContain('test');
    expect(readFileSync(join(root, 'root/npm-calls.log'), 'utf8')).toBe(`npm install --prefix /opt/nabo --omit=dev --no-audit --no-fund ${tarball}\n`);

    // The unit's ExecStart as its user, in the new system: started, then stopped as systemd stops it.
    const t0 = performance.now();
    const uid = sh('chroot', [root, 'id', '-u', 'nabo'], { timeoutMs: 10_000 }).trim();
    const gid = sh('chroot', [root, 'id', '-g', 'nabo'], { timeoutMs: 10_000 }).trim();
    const exec = /^ExecStart=(.+)$/m.exec(readFileSync(join(root, 'etc/systemd/system/nabo.service'), 'utf8'))?.[1] ?? '';
    const gateway = startChild('unshare', ['-m', '-n', '--propagation', 'private', 'bash', '-euo', 'pipefail', '-c', `${mounts(nodeModules)}\nip link set lo up\nexec chroot --userspec=${uid}:${gid} ${root} /usr/bin/env -i PATH=/usr/bin:/bin ${exec}`]);
    try {
      await gateway.waitFor('"msg":"gateway started"', 60_000);
    } finally {
      await gateway.stop('SIGTERM');
    }
    expect(await gateway.closed).toBe(0);
    expect(gateway.output()).toContain('gateway stopped; readings flushed');
    timings.push(['installed gateway: start and stop', Math.round(performance.now() - t0)]);
    expect(existsSync(join(root, 'var/lib/nabo/nabo.db'))).toBe(true);
    expect(spawnSync('stat', ['-c', '%u', join(root, 'var/lib/nabo/nabo.db')], { encoding: 'utf8' }).stdout.trim()).toBe(uid);

    const removed = timed('install.sh --uninstall', () =>
      sh('unshare', ['-m', '--propagation', 'private', 'bash', '-euo', 'pipefail', '-c', `${mounts(nodeModules)}\nchroot ${root} ${IN_ROOT} bash -euo pipefail -c 'bash /root/package/deploy/install.sh --offline --uninstall'`], { timeoutMs: 120_000 }),
    );
    expect(removed).toContain('kept: /var/lib/nabo');
    for (const f of ['opt/nabo', 'usr/local/bin/nabo', 'etc/systemd/system/nabo.service', 'etc/systemd/system/multi-user.target.wants/nabo.service']) expect(existsSync(join(root, f)), f).toBe(false);
    for (const f of ['var/lib/nabo/identity.key', 'var/lib/nabo/nabo.db', 'etc/nabo/nabo.yaml']) expect(existsSync(join(root, f)), f).toBe(true);

    const rows = timings.map(([what, ms]) => `${what.padEnd(40)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    process.stdout.write(`\ninstall into debootstrap ${SUITE}${CACHE ? ' (cached .debs)' : ''}\n${rows.join('\n')}\n${JSON.stringify({ bench: 'install', suite: SUITE, cachedDebs: CACHE !== undefined, ms: Object.fromEntries(timings) })}\n`);
  }, 1_500_000);
});
