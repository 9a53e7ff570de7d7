// Ed25519 signed envelopes: a payload, the signer's public key and a signature over a domain
// tag plus the payload's canonical JSON. The domain tag keeps a signature made for one kind of
// message (an order) from being replayed as another (a result vote). node:crypto does the
// curve; keys are raw 32-byte seeds and public keys, as IOTA (Rebased) uses them.
import { createPrivateKey, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { fail, ok, type Result } from './result.js';

export interface SignedEnvelope<T> {
  /** What is signed; canonical JSON of it (with the domain tag) is the signed message. */
  payload: T;
  /** Signer's Ed25519 public key, 64 lower-case hex digits. */
  signer: string;
  /** Ed25519 signature, 128 lower-case hex digits. */
  signature: string;
}

export type EnvelopeErrorKind = 'shape' | 'encoding' | 'signature';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

// A gateway signs with the same seed object all day: importing the key (and deriving its public
// key) cost more than the signature itself. Weak keys: a dropped seed drops its cached key.
const privateKeys = new WeakMap<Uint8Array, { key: KeyObject; bytes: string; publicKey?: string }>();

function privateKeyOf(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`an Ed25519 secret key is 32 bytes, got ${seed.length}`);
  const bytes = Buffer.from(seed).toString('hex');
  const cached = privateKeys.get(seed);
  // The bytes are compared too: a caller may have rewritten the array in place.
  if (cached && cached.bytes === bytes) return cached.key;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  privateKeys.set(seed, { key, bytes });
  return key;
}

const publicKeys = new Map<string, KeyObject>();
function publicKeyOf(hex: string): KeyObject {
  let k = publicKeys.get(hex);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI_ED25519, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(hex, k);
  }
  return k;
}

/** The raw public key (hex) of a 32-byte secret key. */
export function publicKeyHex(seed: Uint8Array): string {
  const key = privateKeyOf(seed);
  const cached = privateKeys.get(seed)!;
  if (cached.publicKey) return cached.publicKey;
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  cached.publicKey = Buffer.from(der.subarray(der.length - 32)).toString('hex');
  return cached.publicKey;
}

/** The exact bytes a signature covers: `nabo/<domain>\n` + canonical JSON of the payload. */
export function signedMessage(domain: string, payload: unknown): Buffer {
  return Buffer.from(`nabo/${domain}\n${canonicalJson(payload)}`, 'utf8');
}

/** Signs raw bytes; for envelopes use `signEnvelope`. */
export function signBytes(seed: Uint8Array, message: Uint8Array): string {
  return edSign(null, message, privateKeyOf(seed)).toString('hex');
}

export function verifyBytes(publicKey: string, message: Uint8Array, signature: string): boolean {
  if (!HEX64.test(publicKey) || !HEX128.test(signature)) return false;
  try {
    return edVerify(null, message, publicKeyOf(publicKey), Buffer.from(signature, 'hex'));
  } catch {
    // A point that is not on the curve: not a valid key, so not a valid signature.
    return false;
  }
}

export function signEnvelope<T>(domain: string, payload: T, seed: Uint8Array): SignedEnvelope<T> {
  return { payload, signer: publicKeyHex(seed), signature: signBytes(seed, signedMessage(domain, payload)) };
}

/** Checks an envelope of untrusted origin: its shape, that its payload encodes canonically, and its signature. */
export function verifyEnvelope<T = unknown>(domain: string, envelope: unknown): Result<SignedEnvelope<T>, EnvelopeErrorKind> {
  const v = verifyEnvelopeText<T>(domain, envelope);
  return v.ok ? ok(v.value.envelope) : v;
}

/** As verifyEnvelope, also handing back the payload's canonical JSON, so a caller hashing it need not encode it again. */
export function verifyEnvelopeText<T = unknown>(domain: string, envelope: unknown): Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, EnvelopeErrorKind> {
  const p = prepare<T>(domain, envelope);
  if (!p.ok) return p;
  const { envelope: e, canonicalPayload, message } = p.value;
  if (!verifyBytes(e.signer, message, e.signature)) return signatureFailure(domain, e.signer);
  return ok({ envelope: e, canonicalPayload });
}

/**
 * As verifyBytes, with the curve checked on libuv's thread pool: the event loop goes on (other
 * messages, other checks) meanwhile, and a machine's other cores share the work.
 */
export function verifyBytesAsync(publicKey: string, message: Uint8Array, signature: string): Promise<boolean> {
  if (!HEX64.test(publicKey) || !HEX128.test(signature)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      edVerify(null, message, publicKeyOf(publicKey), Buffer.from(signature, 'hex'), (err, valid) => resolve(!err && valid));
    } catch {
      // A point that is not on the curve: not a valid key, so not a valid signature.
      resolve(false);
    }
  });
}

/** As verifyEnvelopeText, the signature checked on the thread pool (verifyBytesAsync); never rejects. */
export async function verifyEnvelopeTextAsync<T = unknown>(domain: string, envelope: unknown): Promise<Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string }, EnvelopeErrorKind>> {
  const p = prepare<T>(domain, envelope);
  if (!p.ok) return p;
  const { envelope: e, canonicalPayload, message } = p.value;
  if (!(await verifyBytesAsync(e.signer, message, e.signature))) return signatureFailure(domain, e.signer);
  return ok({ envelope: e, canonicalPayload });
}

/** Shape and canonical encoding of an untrusted envelope, and the message its signature must cover. */
function prepare<T>(domain: string, envelope: unknown): Result<{ envelope: SignedEnvelope<T>; canonicalPayload: string; message: Buffer }, EnvelopeErrorKind> {
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return fail('shape', 'an envelope is an object with payload, signer and signature');
  const e = envelope as Record<string, unknown>;
  if (typeof e.signer !== 'string' || !HEX64.test(e.signer)) return fail('shape', 'signer must be 64 lower-case hex digits');
  if (typeof e.signature !== 'string' || !HEX128.test(e.signature)) return fail('shape', 'signature must be 128 lower-case hex digits');
  if (!('payload' in e)) return fail('shape', 'payload is missing');
  let canonicalPayload: string;
  try {
    canonicalPayload = canonicalJson(e.payload);
  } catch (err) {
    return fail('encoding', (err as Error).message);
  }
  return ok({ envelope: { payload: e.payload as T, signer: e.signer, signature: e.signature }, canonicalPayload, message: Buffer.from(`nabo/${domain}\n${canonicalPayload}`, 'utf8') });
}

function signatureFailure(domain: string, signer: string) {
  return fail('signature' as const, `signature does not verify for ${signer.slice(0, 12)}… in domain ${domain}`);
}
