// DSMR P1 telegram: '/' + identification line, object lines, '!' + CRC-16/ARC over '/'..'!'
// inclusive (4 hex digits; DSMR 2.2/3.0 send none). Untrusted input: every failure is a typed
// result, nothing is allocated from a length the telegram claims.
import { fail, ok, type Result } from '../../core/result.js';
import { crc16Arc } from '../checksums/crc16-arc.js';
import { parseObjectLines, type P1Object } from './objects.js';
import { interpretObjects, type P1Interpretation } from './interpret.js';
import { latin1Bytes, latin1Text } from '../latin1.js';

export type P1ErrorKind =
  | 'empty'
  | 'not-text'
  | 'too-long'
  | 'no-header'
  | 'no-end'
  | 'crc-malformed'
  | 'crc-missing'
  | 'crc-mismatch'
  | 'trailing-data'
  | 'bad-line'
  | 'bad-value'
  | 'bad-unit';

export const P1_ERROR_KINDS: readonly P1ErrorKind[] = [
  'empty',
  'not-text',
  'too-long',
  'no-header',
  'no-end',
  'crc-malformed',
  'crc-missing',
  'crc-mismatch',
  'trailing-data',
  'bad-line',
  'bad-value',
  'bad-unit',
];

export interface P1Telegram extends P1Interpretation {
  /** The identification line without '/', e.g. 'ISk5\2MT382-1000'. */
  header: string;
  /** First three letters of the header (FLAG manufacturer id). */
  manufacturerId: string;
  /** The CRC as printed, when the telegram has one (it has been checked). */
  crc?: string;
  /** Every object line as printed, in order, with continuation lines folded in. */
  objects: P1Object[];
}

export interface P1DecodeOptions {
  /** IANA zone of the meter's wall clock; 'Europe/Amsterdam' unless told (BE, LU, SE share it). */
  timeZone?: string;
  /** Reject telegrams without a CRC even when they look like DSMR 2.2/3.0. */
  requireCrc?: boolean;
  /** Longest telegram accepted, in bytes. */
  maxBytes?: number;
}

export const DEFAULT_P1_MAX_BYTES = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const BANG = 0x21;
const SLASH = 0x2f;

function isFiller(b: number): boolean {
  return b === CR || b === LF || b === 0x20 || b === 0x09 || b === 0x00;
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** Decodes one telegram (leading and trailing line ends and NULs are allowed around it). */
export function decodeP1Telegram(input: string | Uint8Array, options: P1DecodeOptions = {}): Result<P1Telegram, P1ErrorKind> {
  const bytes = latin1Bytes(input);
  if (bytes === undefined) return fail('not-text', 'characters beyond Latin-1 cannot come from a meter');
  const maxBytes = options.maxBytes ?? DEFAULT_P1_MAX_BYTES;
  if (bytes.length > maxBytes) return fail('too-long', `${bytes.length} bytes, limit ${maxBytes}`);
  let start = 0;
  while (start < bytes.length && isFiller(bytes[start] as number)) start++;
  if (start === bytes.length) return fail('empty', 'no telegram');
  if (bytes[start] !== SLASH) return fail('no-header', `telegram starts with 0x${(bytes[start] as number).toString(16)}, not '/'`);

  // The end is a '!' at the start of a line.
  let bang = -1;
  for (let i = start + 1; i < bytes.length; i++) {
    if (bytes[i] === BANG && bytes[i - 1] === LF) {
      bang = i;
      break;
    }
  }
  if (bang < 0) return fail('no-end', "no '!' line");
  let i = bang + 1;
  while (i < bytes.length && bytes[i] !== CR && bytes[i] !== LF) i++;
  const crcText = latin1Text(bytes, bang + 1, i);
  for (let k = i; k < bytes.length; k++) {
    if (!isFiller(bytes[k] as number)) return fail('trailing-data', `byte 0x${(bytes[k] as number).toString(16)} at ${k} after the end line`);
  }
  const hasCrc = crcText.length > 0;
  if (hasCrc) {
    if (crcText.length !== 4 || ![...crcText].every((c) => isHexDigit(c.charCodeAt(0))))
      return fail('crc-malformed', `'!${crcText.slice(0, 8)}' is not '!' + 4 hex digits`);
    const computed = crc16Arc(bytes, start, bang + 1);
    if (computed !== parseInt(crcText, 16))
      return fail('crc-mismatch', `CRC ${crcText.toUpperCase()} given, ${computed.toString(16).toUpperCase().padStart(4, '0')} computed`);
  }

  const lines = latin1Text(bytes, start, bang).split(/\r\n|\n|\r/);
  const header = (lines[0] as string).slice(1);
  if (!/^[A-Za-z]{3}[\x20-\x7e]/.test(header)) return fail('no-header', `'/${header.slice(0, 20)}' is not an identification line`);
  // The body lines, without the header and the empty remainder after the last line end before '!'.
  const body = lines.slice(1);
  const objects = parseObjectLines(body, 2);
  if (!Array.isArray(objects)) return fail('bad-line', `line ${objects.line}: '${objects.text}'`);
  if (!hasCrc) {
    const declaresCrc = objects.some((o) => o.obis === '1-3:0.2.8' || o.obis === '0-0:96.1.4');
    if (options.requireCrc || declaresCrc) return fail('crc-missing', "no CRC after '!' although the telegram is DSMR 4 or later");
  }
  const meaning = interpretObjects(objects, hasCrc, options.timeZone ?? 'Europe/Amsterdam');
  if ('problem' in meaning) {
    return meaning.problem === 'unit'
      ? fail('bad-unit', `${meaning.key}: unit '${meaning.unit}' does not fit`)
      : fail('bad-value', `${meaning.key}: '${meaning.value}' is not a number`);
  }
  return ok({
    header,
    manufacturerId: header.slice(0, 3),
    ...(hasCrc ? { crc: crcText.toUpperCase() } : {}),
    ...meaning,
    objects,
  });
}
