// The information field of a HAN push: LLC header E6 E7 00, then a DLMS data-notification
//   0F | long-invoke-id-and-priority(4) | date-time (00 absent, 0C + 12 bytes, or 09 0C + 12) | data
// or that notification inside a general-glo-ciphering APDU.
import { fail, ok, type Result } from '../../core/result.js';
import { readData, readLength, writeData, type DlmsData } from './axdr.js';
import { GENERAL_GLO_CIPHERING, decryptGlo, parseGeneralGloCiphering, type HanKeys } from './cipher.js';

export const LLC_HEADER = Uint8Array.from([0xe6, 0xe7, 0x00]);
export const DATA_NOTIFICATION = 0x0f;
export const GENERAL_BLOCK_TRANSFER = 0xe0;

/** One block of a general-block-transfer (Landis+Gyr E450 pushes long lists in several). */
export interface GeneralBlock {
  last: boolean;
  blockNumber: number;
  data: Uint8Array;
}

/** E0 | block-control (bit 7: last block) | block-number(2) | block-number-ack(2) | length | data. */
export function parseGeneralBlock(apdu: Uint8Array): Result<GeneralBlock, 'apdu'> {
  if (apdu[0] !== GENERAL_BLOCK_TRANSFER || apdu.length < 6) return fail('apdu', 'general-block-transfer header cut short');
  const c = { bytes: apdu, at: 6 };
  const n = readLength(c);
  if (!n.ok) return fail('apdu', `general-block-transfer: ${n.error.detail}`);
  if (c.at + n.value !== apdu.length) return fail('apdu', `general-block-transfer block says ${n.value} bytes, ${apdu.length - c.at} follow`);
  return ok({ last: ((apdu[1] as number) & 0x80) !== 0, blockNumber: ((apdu[2] as number) << 8) | (apdu[3] as number), data: apdu.subarray(c.at) });
}

export interface DataNotification {
  invokeId: number;
  /** The header date-time, 12 raw bytes, when the meter sends one. */
  dateTime?: Uint8Array;
  body: DlmsData;
  encrypted: boolean;
  authenticated?: boolean;
  systemTitle?: Uint8Array;
}

export type ApduErrorKind = 'llc' | 'apdu' | 'axdr' | 'encrypted' | 'decrypt';

export function stripLlc(information: Uint8Array): Result<Uint8Array, 'llc'> {
  if (information.length < 3 || information[0] !== 0xe6 || information[1] !== 0xe7 || information[2] !== 0x00) {
    return fail('llc', 'information field does not start with the LLC header E6 E7 00');
  }
  return ok(information.subarray(3));
}

/** Decodes an APDU (after the LLC header), deciphering it when it is general-glo-ciphering. */
export function parseApdu(apdu: Uint8Array, keys: HanKeys = {}): Result<DataNotification, ApduErrorKind> {
  if (apdu[0] === GENERAL_GLO_CIPHERING) {
    const c = parseGeneralGloCiphering(apdu);
    if (!c.ok) return c;
    const plain = decryptGlo(c.value, keys);
    if (!plain.ok) return plain;
    if (plain.value.plaintext[0] !== DATA_NOTIFICATION) return fail('decrypt', 'deciphered APDU is not a data-notification (wrong key?)');
    const inner = parseDataNotification(plain.value.plaintext);
    if (!inner.ok) return fail('decrypt', `deciphered APDU is malformed (wrong key?): ${inner.error.detail}`);
    return ok({ ...inner.value, encrypted: true, authenticated: plain.value.authenticated, systemTitle: c.value.systemTitle });
  }
  return parseDataNotification(apdu);
}

export function parseDataNotification(apdu: Uint8Array): Result<DataNotification, 'apdu' | 'axdr'> {
  if (apdu.length === 0) return fail('apdu', 'empty APDU');
  if (apdu[0] !== DATA_NOTIFICATION) return fail('apdu', `APDU tag 0x${(apdu[0] as number).toString(16).padStart(2, '0')} is not a data-notification (0x0F)`);
  if (apdu.length < 6) return fail('apdu', 'data-notification header cut short');
  const invokeId = new DataView(apdu.buffer, apdu.byteOffset + 1, 4).getUint32(0);
  let at = 5;
  let dateTime: Uint8Array | undefined;
  const marker = apdu[at] as number;
  if (marker === 0x00) at += 1;
  else if (marker === 0x0c || (marker === 0x09 && apdu[at + 1] === 0x0c)) {
    at += marker === 0x0c ? 1 : 2;
    if (at + 12 > apdu.length) return fail('apdu', 'date-time in the header cut short');
    dateTime = apdu.slice(at, at + 12);
    at += 12;
  } else return fail('apdu', `date-time field starts with 0x${marker.toString(16)}, expected 00, 0C or 09 0C`);
  const c = { bytes: apdu, at };
  const body = readData(c);
  if (!body.ok) return body;
  if (c.at !== apdu.length) return fail('axdr', `${apdu.length - c.at} bytes after the notification body`);
  const out: DataNotification = { invokeId, body: body.value, encrypted: false };
  if (dateTime) out.dateTime = dateTime;
  return ok(out);
}

/**
 * Builds LLC + data-notification bytes. The header date-time goes as 0C + 12 bytes (Kamstrup),
 * as a tagged octet-string 09 0C + 12 bytes (`taggedDateTime`, Kaifa), or is absent (00, Aidon).
 */
export function encodeDataNotification(n: { invokeId: number; dateTime?: Uint8Array; taggedDateTime?: boolean; body: DlmsData }): Uint8Array {
  const out: number[] = [...LLC_HEADER, DATA_NOTIFICATION, (n.invokeId >>> 24) & 0xff, (n.invokeId >>> 16) & 0xff, (n.invokeId >>> 8) & 0xff, n.invokeId & 0xff];
  if (n.dateTime) out.push(...(n.taggedDateTime ? [0x09, 0x0c] : [0x0c]), ...n.dateTime);
  else out.push(0x00);
  writeData(n.body, out);
  return Uint8Array.from(out);
}
