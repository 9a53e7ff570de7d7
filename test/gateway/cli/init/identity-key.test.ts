import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityKey, readIdentityKey } from '../../../../gateway/cli/init/identity-key.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('identity key file', () => {
  it('never overwrites an existing key', () => {
    const first = createIdentityKey(dir, new Uint8Array(32).fill(1));
    expect(first.ok).toBe(true);
    const before = readFileSync(join(dir, 'identity.key'), 'utf8');
    const second = createIdentityKey(dir, new Uint8Array(32).fill(2));
    expect(second).toMatchObject({ ok: false, error: { kind: 'exists' } });
    expect(readFileSync(join(dir, 'identity.key'), 'utf8')).toBe(before);
  });

  it('reads back the public key it reported, and rejects a file that is not a key', () => {
    const created = createIdentityKey(dir, new Uint8Array(32).fill(7));
    const read = readIdentityKey(join(dir, 'identity.key'));
    expect(read.ok && created.ok && read.value.publicKeyHex === created.value.publicKeyHex).toBe(true);
    writeFileSync(join(dir, 'bad.key'), 'not a key\n', { mode: 0o600 });
    expect(readIdentityKey(join(dir, 'bad.key'))).toMatchObject({ ok: false, error: { kind: 'format' } });
  });
});
