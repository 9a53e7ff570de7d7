// A gateway's Ed25519 identity (DESIGN principle 8). The key is made by @iota/iota-sdk so the
// same key names the gateway on the IOTA ledger (its 0x… address); envelopes are signed with
// core/signed-envelope.ts over the same 32-byte secret. The key file holds the SDK's Bech32
// `iotaprivkey1…` text, so the IOTA CLI can import it; it is created 0600 and never overwritten.
import { decodeIotaPrivateKey, encodeIotaPrivateKey } from '@iota/iota-sdk/cryptography';
import { Ed25519Keypair } from '@iota/iota-sdk/keypairs/ed25519';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fail, ok, type Result } from '../../core/result.js';
import { publicKeyHex } from '../../core/signed-envelope.js';

export interface GatewayIdentity {
  /** The 32-byte Ed25519 secret; what signEnvelope takes. */
  readonly seed: Uint8Array;
  /** 64 lower-case hex digits, as envelopes and the roster carry it. */
  readonly publicKey: string;
  /** IOTA (Rebased) address: 0x + 64 hex digits (BLAKE2b of flag and public key). */
  readonly iotaAddress: string;
}

export type KeyFileErrorKind = 'exists' | 'missing' | 'permissions' | 'invalid' | 'io';

export function identityFromSeed(seed: Uint8Array): GatewayIdentity {
  const keypair = Ed25519Keypair.fromSecretKey(seed);
  const publicKey = Buffer.from(keypair.getPublicKey().toRawBytes()).toString('hex');
  // Both libraries derive the public key; disagreeing would sign as someone else.
  if (publicKey !== publicKeyHex(seed)) throw new Error('identity: the IOTA SDK and node:crypto derive different public keys');
  return { seed: Uint8Array.from(seed), publicKey, iotaAddress: keypair.getPublicKey().toIotaAddress() };
}

export function generateIdentity(): GatewayIdentity {
  const parsed = decodeIotaPrivateKey(Ed25519Keypair.generate().getSecretKey());
  return identityFromSeed(parsed.secretKey);
}

/** The key file's text: the SDK's Bech32 private key and a newline. */
export function keyFileText(identity: GatewayIdentity): string {
  return `${encodeIotaPrivateKey(identity.seed, 'ED25519')}\n`;
}

/** Writes a new key file (mode 0600); refuses when the file exists, so a key is never lost. */
export function writeKeyFile(path: string, identity: GatewayIdentity): Result<void, KeyFileErrorKind> {
  try {
    writeFileSync(path, keyFileText(identity), { mode: 0o600, flag: 'wx' });
    return ok(undefined);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return fail('exists', `${path} exists; refusing to overwrite an identity key (move it aside first)`);
    return fail('io', `cannot write ${path}: ${code ?? (err as Error).message}`);
  }
}

/** Reads a key file; refuses one that others may read (as ssh does), or that is not an Ed25519 key. */
export function readKeyFile(path: string): Result<GatewayIdentity, KeyFileErrorKind> {
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) return fail('permissions', `${path} has mode ${mode.toString(8)}; an identity key must be readable by its owner only (chmod 600)`);
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('missing', `${path} does not exist; create it with \`nabo keys init\``);
    return fail('io', `cannot read ${path}: ${code ?? (err as Error).message}`);
  }
  try {
    const parsed = decodeIotaPrivateKey(text);
    if (parsed.schema !== 'ED25519') return fail('invalid', `${path} holds a ${parsed.schema} key; nabo needs ED25519`);
    return ok(identityFromSeed(parsed.secretKey));
  } catch (err) {
    return fail('invalid', `${path} is not an IOTA private key (iotaprivkey1…): ${(err as Error).message}`);
  }
}
