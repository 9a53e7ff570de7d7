// P1 telegrams sent ciphered (Luxembourg's Smarty and other Sagemcom T210-D-r meters): the
// whole telegram inside a DLMS general-glo-ciphering frame (DB 08 system-title 82 length SC
// frame-counter ciphertext tag), AES-128-GCM with the keys the grid operator hands out.
import { fail, ok, type Result } from '../../core/result.js';
import { decryptGlo, parseGeneralGloCiphering, type HanKeys } from '../han/cipher.js';
import { decodeP1Telegram, type P1DecodeOptions, type P1ErrorKind, type P1Telegram } from './telegram.js';

export type P1CipheredErrorKind = P1ErrorKind | 'encrypted' | 'decrypt';

export interface P1CipheredTelegram extends P1Telegram {
  /** The frame's system title (the meter's maker and serial), upper-case hex. */
  systemTitle: string;
  frameCounter: number;
  /** Whether the GCM tag was checked (needs the authentication key). */
  authenticated: boolean;
}

/** Deciphers one frame and decodes the telegram inside. Never throws on bad bytes. */
export function decodeP1Ciphered(frame: Uint8Array, keys: HanKeys, options: P1DecodeOptions = {}): Result<P1CipheredTelegram, P1CipheredErrorKind> {
  const c = parseGeneralGloCiphering(frame);
  if (!c.ok) return c;
  const plain = decryptGlo(c.value, keys);
  if (!plain.ok) return plain;
  // A wrong key gives bytes that are no telegram: say so rather than 'no-header'.
  if (plain.value.plaintext[0] !== 0x2f) return fail('decrypt', 'deciphered bytes do not start a telegram (wrong key?)');
  const t = decodeP1Telegram(plain.value.plaintext, options);
  if (!t.ok) return t;
  return ok({
    ...t.value,
    systemTitle: Buffer.from(c.value.systemTitle).toString('hex').toUpperCase(),
    frameCounter: c.value.frameCounter,
    authenticated: plain.value.authenticated,
  });
}
