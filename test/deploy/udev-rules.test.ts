// The udev rules parse: `udevadm test` reads every rules file and names each key it cannot
// use. Run in a private mount namespace with /etc overlaid, so the rules are installed where
// udev looks without touching this machine. A container has no USB adapter to match, so this
// proves the syntax, not the symlinks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'nabo-udev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requireTools(): string {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (it overlays /etc in a private mount namespace)');
  if (spawnSync('sh', ['-c', 'command -v udevadm && command -v unshare']).status !== 0) throw new Error('udevadm and unshare are needed (apt-get install -y udev util-linux)');
  const tty = readdirSync('/sys/class/tty').find((t) => /^tty(S|USB|ACM)\d+$/.test(t)) ?? readdirSync('/sys/class/tty')[0];
  if (!tty) throw new Error('no /sys/class/tty device to run udevadm test on');
  return `/sys/class/tty/${tty}`;
}

/** The names file exactly as install.sh writes it, from its dry run. */
function namesRules(): string {
  const r = spawnSync('bash', ['deploy/install.sh', '--dry-run', '--no-init', '--udev-name', 'rs485=A10KXYZ1', '--udev-name', 'han=FT5QWERT'], { encoding: 'utf8' });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('    SUBSYSTEM=='));
  if (lines.length !== 2) throw new Error(`install.sh --dry-run did not show the two name rules:\n${r.stdout}`);
  return `${lines.map((l) => l.trim()).join('\n')}\n`;
}

function udevTest(device: string, names: string): string {
  const t = join(dir, `ns-${Math.random().toString(36).slice(2)}`);
  const script = `set -e
mkdir -p ${t} && mount -t tmpfs tmpfs ${t} && mkdir -p ${t}/u ${t}/w
mount -t overlay overlay -o lowerdir=/etc,upperdir=${t}/u,workdir=${t}/w /etc
mkdir -p /etc/udev/rules.d
cp ${resolve('deploy/udev/99-nabo-serial.rules')} /etc/udev/rules.d/
cat > /etc/udev/rules.d/99-nabo-names.rules
udevadm test ${device} 2>&1 || true`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], { encoding: 'utf8', input: names });
  if (r.status !== 0) throw new Error(`udevadm test could not run: ${r.stderr}`);
  return r.stdout;
}

describe('udev rules for serial adapters (needs root, unshare and udevadm)', () => {
  it('parse without a single complaint, the rules install.sh writes included', () => {
    const device = requireTools();
    const out = udevTest(device, namesRules());
    expect(out).toContain('Reading rules file: /etc/udev/rules.d/99-nabo-serial.rules');
    expect(out).toContain('Reading rules file: /etc/udev/rules.d/99-nabo-names.rules');
    expect(out.split('\n').filter((l) => l.includes('99-nabo-') && !l.startsWith('Reading rules file'))).toEqual([]);
  });

  it('would say so if a rule were wrong (the check is real)', () => {
    const device = requireTools();
    const out = udevTest(device, 'SUBSYSTEM=="tty", ENV{ID_SERIAL_SHORT}=="X", SYMLNK+="nabo/x"\n');
    expect(out).toMatch(/99-nabo-names\.rules:1 Invalid key 'SYMLNK'/);
  });
});
