// The gateway's Ed25519 identity, created once by `nabo init`: a 32-byte seed in a JSON file
// ({"secretKeyHex": "…"}, mode 0600) in the data dir. Never overwritten: losing the old key
// would orphan the gateway's roster entry and its signed history. The market's `nabo keys
// init` reads and writes the same format.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fail, ok, type Result } from '../../../core/result.js';
import { publicKeyHex } from '../../../core/signed-envelope.js';

export const IDENTITY_KEY_FILE = 'identity-key.json';

export type IdentityKeyError = 'exists' | 'io' | 'format';

export interface IdentityKey {
  file: string;
  publicKeyHex: string;
}

export function identityKeyPath(dataDir: string): string {
  return path.join(dataDir, IDENTITY_KEY_FILE);
}

/** Creates the key file; refuses when one is there already. */
export function createIdentityKey(dataDir: string, seed: Uint8Array = randomBytes(32)): Result<IdentityKey, IdentityKeyError> {
  const file = identityKeyPath(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  } catch (err) {
    return fail('io', `cannot create ${dataDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let fd: number;
  try {
    // 'wx': fails when the file exists, so two inits racing cannot both write a key.
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return fail('exists', `${file} exists; an identity key is never overwritten (move it away first if you really mean to replace it)`);
    return fail('io', `cannot create ${file}: ${code ?? String(err)}`);
  }
  try {
    writeSync(fd, `${JSON.stringify({ secretKeyHex: Buffer.from(seed).toString('hex') })}\n`);
  } finally {
    closeSync(fd);
  }
  return ok({ file, publicKeyHex: publicKeyHex(seed) });
}

/** Reads an existing key file (to print its public key when init keeps it). */
export function readIdentityKey(file: string): Result<IdentityKey, IdentityKeyError> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail('io', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('format', `${file} is not JSON`);
  }
  const hex = (doc as { secretKeyHex?: unknown } | null)?.secretKeyHex;
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) return fail('format', `${file}: secretKeyHex must be 64 lower-case hex digits`);
  return ok({ file, publicKeyHex: publicKeyHex(Buffer.from(hex, 'hex')) });
}
