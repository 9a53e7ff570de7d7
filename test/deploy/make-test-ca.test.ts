import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = 'deploy/certs/make-test-ca.sh';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-ca-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (args: string[]): string => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is missing (apt-get install -y openssl): ${r.error.message}`);
  return `${r.stdout}${r.stderr}`;
};

describe('deploy/certs/make-test-ca.sh (needs openssl and shellcheck)', () => {
  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    if (r.error) throw new Error(`shellcheck is missing: ${r.error.message}`);
    expect(r.stdout).toBe('');
  });

  it('makes a CA, a broker certificate for the names given and client certificates named by gateway id', () => {
    const r = spawnSync('bash', [SCRIPT, '--out', dir, '--block', 'b1', '--broker-name', 'broker.b1.local', '--broker-name', '192.0.2.5', '--gateway', 'b1-h1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'broker.crt'), join(dir, 'b1-h1.crt')])).toMatch(/broker\.crt: OK\n.*b1-h1\.crt: OK/);
    expect(openssl(['x509', '-in', join(dir, 'broker.crt'), '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:broker\.b1\.local, IP Address:192\.0\.2\.5/);
    expect(openssl(['x509', '-in', join(dir, 'b1-h1.crt'), '-noout', '-subject'])).toMatch(/CN ?= ?b1-h1/);
    for (const key of ['ca.key', 'broker.key', 'b1-h1.key']) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  });

  it('keeps an existing CA so certificates made later still chain to it', () => {
    spawnSync('bash', [SCRIPT, '--out', dir], { encoding: 'utf8' });
    const first = openssl(['x509', '-in', join(dir, 'ca.crt'), '-noout', '-fingerprint']);
    const again = spawnSync('bash', [SCRIPT, '--out', dir, '--gateway', 'b1-h9'], { encoding: 'utf8' });
    expect(again.stdout).toContain('keeping the CA');
    expect(openssl(['x509', '-in', join(dir, 'ca.crt'), '-noout', '-fingerprint'])).toBe(first);
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'b1-h9.crt')])).toContain('OK');
  });

  it('refuses a gateway id that is not one before it makes anything', () => {
    expect(spawnSync('bash', [SCRIPT, '--out', join(dir, 'out'), '--gateway', 'B1 H1'], { encoding: 'utf8' }).status).toBe(2);
    expect(() => statSync(join(dir, 'out'))).toThrow();
  });
});
