import { Ed25519Keypair } from '@iota/iota-sdk/keypairs/ed25519';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyHex, signEnvelope, verifyEnvelope } from '../../../core/signed-envelope.js';
import { generateIdentity, identityFromSeed, readKeyFile, writeKeyFile } from '../../../gateway/market/identity.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nabo-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gateway identity', () => {
  it('derives the same public key in the IOTA SDK and in core/signed-envelope', () => {
    const id = generateIdentity();
    expect(id.publicKey).toBe(publicKeyHex(id.seed));
    const sdk = Ed25519Keypair.fromSecretKey(id.seed);
    expect(Buffer.from(sdk.getPublicKey().toRawBytes()).toString('hex')).toBe(id.publicKey);
    expect(id.iotaAddress).toMatch(/^0x[0-9a-f]{64}$/);
    expect(id.iotaAddress).toBe(sdk.getPublicKey().toIotaAddress());
  });

  it('signs envelopes that verify under its public key', () => {
    const id = generateIdentity();
    const env = signEnvelope('order', { a: 1 }, id.seed);
    expect(env.signer).toBe(id.publicKey);
    expect(verifyEnvelope('order', env).ok).toBe(true);
  });

  it('writes a 0600 key file, reads it back, and refuses to overwrite it', () => {
    const path = join(dir, 'a.key');
    const id = generateIdentity();
    expect(writeKeyFile(path, id).ok).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^iotaprivkey1[0-9a-z]+\n$/);
    const back = readKeyFile(path);
    expect(back.ok && back.value.publicKey).toBe(id.publicKey);
    const again = writeKeyFile(path, generateIdentity());
    expect(again.ok ? 'written' : again.error.kind).toBe('exists');
    const still = readKeyFile(path);
    expect(still.ok && still.value.publicKey).toBe(id.publicKey);
  });

  it('refuses a key file others can read, a missing one and one that is not a key', () => {
    const open = join(dir, 'open.key');
    writeKeyFile(open, identityFromSeed(new Uint8Array(32).fill(7)));
    chmodSync(open, 0o644);
    expect(readKeyFile(open)).toMatchObject({ ok: false, error: { kind: 'permissions' } });
    expect(readKeyFile(join(dir, 'none.key'))).toMatchObject({ ok: false, error: { kind: 'missing' } });
    const junk = join(dir, 'junk.key');
    writeFileSync(junk, 'hello\n', { mode: 0o600 });
    expect(readKeyFile(junk)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});

describe('nabo keys', () => {
  it('init makes a key, show prints the same public key and address, a second init exits 2', async () => {
    const keyFile = join(dir, 'cli.key');
    const init = await runCli(['keys', 'init', '--key-file', keyFile, '--format', 'json']);
    expect(init.code).toBe(0);
    const made = JSON.parse(init.stdout) as { publicKey: string; iotaAddress: string };
    expect(made.publicKey).toMatch(/^[0-9a-f]{64}$/);
    const show = await runCli(['keys', 'show', '--key-file', keyFile, '--format', 'json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject(made);
    const again = await runCli(['keys', 'init', '--key-file', keyFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it('uses <data-dir>/identity.key by default', async () => {
    const init = await runCli(['keys', 'init', '--data-dir', dir, '--format', 'json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout).keyFile).toBe(join(dir, 'identity.key'));
  });
});
