// DLMS security suite 0 (AES-128-GCM, Green Book) as HAN meters use it: general-glo-ciphering
//   DB | 08 system-title(8) | length | SC | frame-counter(4) | ciphertext | tag(12, if SC & 0x10)
// IV = system title ‖ frame counter. SC 0x30 encrypts and authenticates (AAD = SC ‖ AK),
// 0x20 only encrypts (GCM without a tag is AES-CTR from counter block 2), 0x10 only
// authenticates (AAD = SC ‖ AK ‖ plaintext).
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../../core/result.js';
import { readLength, writeLength } from './axdr.js';

export const GENERAL_GLO_CIPHERING = 0xdb;
const TAG_BYTES = 12;

export interface GloCiphered {
  systemTitle: Uint8Array;
  securityControl: number;
  frameCounter: number;
  /** Ciphertext, or plaintext when SC says authentication only. */
  payload: Uint8Array;
  tag?: Uint8Array;
}

export interface HanKeys {
  encryptionKey?: Uint8Array;
  authenticationKey?: Uint8Array;
}

export function parseGeneralGloCiphering(apdu: Uint8Array): Result<GloCiphered, 'decrypt'> {
  if (apdu[0] !== GENERAL_GLO_CIPHERING) return fail('decrypt', 'not a general-glo-ciphering APDU');
  if (apdu[1] !== 8 || apdu.length < 10) return fail('decrypt', 'system title is not 8 bytes');
  const systemTitle = apdu.slice(2, 10);
  const c = { bytes: apdu, at: 10 };
  const len = readLength(c);
  if (!len.ok) return fail('decrypt', len.error.detail);
  if (len.value !== apdu.length - c.at) return fail('decrypt', `ciphered length ${len.value} but ${apdu.length - c.at} bytes follow`);
  if (len.value < 5) return fail('decrypt', 'security header cut short');
  const sc = apdu[c.at] as number;
  if ((sc & 0x0f) !== 0) return fail('decrypt', `security suite ${sc & 0x0f} is not AES-GCM-128 (suite 0)`);
  if ((sc & 0x30) === 0) return fail('decrypt', `security control 0x${sc.toString(16)} neither encrypts nor authenticates`);
  if (sc & 0x80) return fail('decrypt', 'compressed APDUs are not supported');
  const frameCounter = new DataView(apdu.buffer, apdu.byteOffset + c.at + 1, 4).getUint32(0);
  const rest = apdu.subarray(c.at + 5);
  const authenticated = (sc & 0x10) !== 0;
  if (authenticated && rest.length < TAG_BYTES) return fail('decrypt', 'authentication tag cut short');
  const out: GloCiphered = { systemTitle, securityControl: sc, frameCounter, payload: rest.slice(0, authenticated ? rest.length - TAG_BYTES : rest.length) };
  if (authenticated) out.tag = rest.slice(rest.length - TAG_BYTES);
  return ok(out);
}

function iv(systemTitle: Uint8Array, frameCounter: number): Buffer {
  const b = Buffer.alloc(12);
  b.set(systemTitle, 0);
  b.writeUInt32BE(frameCounter >>> 0, 8);
  return b;
}

function checkKey(key: Uint8Array | undefined, name: string): string | undefined {
  if (key === undefined) return undefined;
  return key.length === 16 ? undefined : `${name} has ${key.length} bytes, AES-128 needs 16`;
}

/**
 * Plaintext APDU of a ciphered one. Without the authentication key the tag is not checked
 * (`authenticated: false`); the HDLC FCS still guards the transport.
 */
export function decryptGlo(c: GloCiphered, keys: HanKeys): Result<{ plaintext: Uint8Array; authenticated: boolean }, 'decrypt' | 'encrypted'> {
  const bad = checkKey(keys.encryptionKey, 'encryption key') ?? checkKey(keys.authenticationKey, 'authentication key');
  if (bad) return fail('decrypt', bad);
  const encrypted = (c.securityControl & 0x20) !== 0;
  const ak = keys.authenticationKey;
  const canAuth = c.tag !== undefined && ak !== undefined;
  if (!encrypted) {
    if (!canAuth) return ok({ plaintext: c.payload, authenticated: false });
    const tag = gcmTag(keys.encryptionKey, c, Buffer.concat([Buffer.from([c.securityControl]), ak, c.payload]));
    if (tag === undefined) return fail('encrypted', 'authentication-only APDU: the tag needs the encryption key too');
    return safeEqual(tag, c.tag as Uint8Array) ? ok({ plaintext: c.payload, authenticated: true }) : fail('decrypt', 'authentication tag does not match');
  }
  const ek = keys.encryptionKey;
  if (ek === undefined) return fail('encrypted', `ciphered frame (system title ${Buffer.from(c.systemTitle).toString('hex').toUpperCase()}) and no encryption key given`);
  if (canAuth) {
    const d = createDecipheriv('aes-128-gcm', ek, iv(c.systemTitle, c.frameCounter), { authTagLength: TAG_BYTES });
    d.setAAD(Buffer.concat([Buffer.from([c.securityControl]), ak]));
    d.setAuthTag(c.tag as Uint8Array);
    const plain = d.update(c.payload);
    try {
      return ok({ plaintext: new Uint8Array(Buffer.concat([plain, d.final()])), authenticated: true });
    } catch (err) {
      return fail('decrypt', `authentication tag does not match (${(err as Error).message})`);
    }
  }
  return ok({ plaintext: ctr(ek, c.systemTitle, c.frameCounter, c.payload), authenticated: false });
}

/** GCM keystream from counter block 2 (block 1 masks the tag). */
function ctr(key: Uint8Array, systemTitle: Uint8Array, frameCounter: number, data: Uint8Array): Uint8Array {
  const counter = Buffer.concat([iv(systemTitle, frameCounter), Buffer.from([0, 0, 0, 2])]);
  const c = createDecipheriv('aes-128-ctr', key, counter);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function gcmTag(key: Uint8Array | undefined, c: { systemTitle: Uint8Array; frameCounter: number }, aad: Uint8Array): Uint8Array | undefined {
  if (key === undefined) return undefined;
  const g = createCipheriv('aes-128-gcm', key, iv(c.systemTitle, c.frameCounter), { authTagLength: 16 });
  g.setAAD(aad);
  g.final();
  return g.getAuthTag().subarray(0, TAG_BYTES);
}

function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface GloEncryptInput {
  systemTitle: Uint8Array;
  frameCounter: number;
  /** 0x30 (default), 0x20 or 0x10. */
  securityControl?: number;
  encryptionKey: Uint8Array;
  authenticationKey?: Uint8Array;
  plaintext: Uint8Array;
}

/** Builds a general-glo-ciphering APDU (the simulator's encrypted meters, and tests). */
export function encryptGlo(input: GloEncryptInput): Uint8Array {
  const sc = input.securityControl ?? 0x30;
  if (input.systemTitle.length !== 8) throw new RangeError('system title must be 8 bytes');
  const ak = input.authenticationKey ?? new Uint8Array(16);
  let body: Uint8Array;
  if (sc === 0x30) {
    const g = createCipheriv('aes-128-gcm', input.encryptionKey, iv(input.systemTitle, input.frameCounter), { authTagLength: TAG_BYTES });
    g.setAAD(Buffer.concat([Buffer.from([sc]), ak]));
    const ct = Buffer.concat([g.update(input.plaintext), g.final()]);
    body = Buffer.concat([ct, g.getAuthTag()]);
  } else if (sc === 0x20) {
    body = ctr(input.encryptionKey, input.systemTitle, input.frameCounter, input.plaintext);
  } else if (sc === 0x10) {
    const tag = gcmTag(input.encryptionKey, input, Buffer.concat([Buffer.from([sc]), ak, input.plaintext])) as Uint8Array;
    body = Buffer.concat([input.plaintext, tag]);
  } else {
    throw new RangeError(`security control 0x${sc.toString(16)} is not one this encoder writes`);
  }
  const header: number[] = [GENERAL_GLO_CIPHERING, 8, ...input.systemTitle];
  writeLength(5 + body.length, header);
  const fc = Buffer.alloc(4);
  fc.writeUInt32BE(input.frameCounter >>> 0);
  return new Uint8Array(Buffer.concat([Buffer.from(header), Buffer.from([sc]), fc, body]));
}
