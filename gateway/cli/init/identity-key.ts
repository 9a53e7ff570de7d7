// The gateway's Ed25519 identity, created once by `nabo init`: the market's key file
// (gateway/market/identity.ts: the SDK's Bech32 `iotaprivkey1…`, mode 0600) in the data dir,
// the same file `nabo keys init` writes and the market and uplink sign with. Never overwritten:
// losing the old key would orphan the gateway's roster entry and its signed history.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fail, ok, type Result } from '../../../core/result.js';
import { generateIdentity, identityFromSeed, readKeyFile, writeKeyFile } from '../../market/identity.js';

export const IDENTITY_KEY_FILE = 'identity.key';

export type IdentityKeyError = 'exists' | 'io' | 'format';

export interface IdentityKey {
  file: string;
  publicKeyHex: string;
}

export function identityKeyPath(dataDir: string): string {
  return path.join(dataDir, IDENTITY_KEY_FILE);
}

/** Creates the key file; refuses when one is there already. */
export function createIdentityKey(dataDir: string, seed?: Uint8Array): Result<IdentityKey, IdentityKeyError> {
  const file = identityKeyPath(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  } catch (err) {
    return fail('io', `cannot create ${dataDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const identity = seed ? identityFromSeed(seed) : generateIdentity();
  const written = writeKeyFile(file, identity);
  if (!written.ok) return fail(written.error.kind === 'exists' ? 'exists' : 'io', written.error.detail);
  return ok({ file, publicKeyHex: identity.publicKey });
}

/** Reads an existing key file (to print its public key when init keeps it). */
export function readIdentityKey(file: string): Result<IdentityKey, IdentityKeyError> {
  const read = readKeyFile(file);
  if (!read.ok) return fail(read.error.kind === 'missing' || read.error.kind === 'io' ? 'io' : 'format', read.error.detail);
  return ok({ file, publicKeyHex: read.value.publicKey });
}
