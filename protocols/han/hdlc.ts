// HDLC frame format type 3 (IEC 62056-46) as the Nordic HAN port sends it:
//   7E | format(2) | dst addr(1-4) | src addr(1-4) | control | HCS(2) | information | FCS(2) | 7E
// format = 1010 S LLL LLLLLLLL: type 0xA, segmentation bit S, 11-bit length of the bytes
// between the flags. HCS covers format..control, FCS covers format..end of information,
// both CRC-16/X-25 LSB first. A frame without information has only the FCS.
// Real HAN meters do not byte-stuff: 0x7D and 0x7E occur inside the information field and
// the length field is what delimits a frame. Stuffing (0x7D escapes) is optional for the odd
// converter that adds it.
import { crc16X25, crc16X25Matches } from '../checksums/crc16-x25.js';
import { fail, ok, type Result } from '../../core/result.js';

export const HDLC_FLAG = 0x7e;
export const HDLC_ESCAPE = 0x7d;
/** The 11-bit length field bounds a frame: 2047 bytes between the flags. */
export const HDLC_MAX_LENGTH = 0x7ff;
/** format(2) + dst(1) + src(1) + control(1) + FCS(2). */
export const HDLC_MIN_LENGTH = 7;

export type HdlcErrorKind = 'framing' | 'length' | 'hcs' | 'fcs';

export interface HdlcFrame {
  /** Segmentation bit: more segments of the same information follow. */
  segmented: boolean;
  /** Length field: bytes between the flags. */
  length: number;
  /** Addresses as sent (each byte's low bit marks the last byte), e.g. 0x41, 0x0883. */
  destination: number;
  source: number;
  control: number;
  /** The information field (empty when the frame carries none). */
  information: Uint8Array;
}

/** Reads one address field starting at `at`; returns its raw value and length. */
function readAddress(bytes: Uint8Array, at: number, end: number): { value: number; size: number } | undefined {
  let value = 0;
  for (let i = 0; i < 4 && at + i < end; i++) {
    const b = bytes[at + i] as number;
    value = value * 256 + b;
    if (b & 1) return { value, size: i + 1 };
  }
  return undefined;
}

/**
 * Length of format + addresses + control for a frame whose opening flag is at `start` (so the
 * format field is at start+1), or undefined when an address has no end bit before `end`.
 */
export function hdlcHeaderLength(bytes: Uint8Array, start: number, end: number): number | undefined {
  const dst = readAddress(bytes, start + 3, end);
  if (!dst) return undefined;
  const src = readAddress(bytes, start + 3 + dst.size, end);
  if (!src) return undefined;
  return 2 + dst.size + src.size + 1;
}

/**
 * Parses one whole frame, flags included. With `byteStuffing` the bytes between the flags
 * are unescaped first (0x7D x → x ^ 0x20).
 */
export function parseHdlcFrame(frame: Uint8Array, options: { byteStuffing?: boolean } = {}): Result<HdlcFrame, HdlcErrorKind> {
  if (frame.length < 2 || frame[0] !== HDLC_FLAG || frame[frame.length - 1] !== HDLC_FLAG) {
    return fail('framing', 'a frame starts and ends with the flag 0x7E');
  }
  let body = frame.subarray(1, frame.length - 1);
  if (options.byteStuffing) {
    const unstuffed = unstuff(body);
    if (!unstuffed.ok) return unstuffed;
    body = unstuffed.value;
  }
  if (body.length < HDLC_MIN_LENGTH) return fail('length', `${body.length} bytes between the flags; a frame has at least ${HDLC_MIN_LENGTH}`);
  const f0 = body[0] as number;
  if (f0 >> 4 !== 0xa) return fail('framing', `frame format type ${(f0 >> 4).toString(16)} is not 0xA (type 3)`);
  const length = ((f0 & 0x07) << 8) | (body[1] as number);
  if (length !== body.length) return fail('length', `length field says ${length} bytes, ${body.length} are between the flags`);
  const header = hdlcHeaderLength(body, -1, body.length - 2); // body has no flag: format at 0
  if (header === undefined) return fail('framing', 'address field without an end bit');
  if (header + 2 > length) return fail('length', 'frame shorter than its header');
  const dst = readAddress(body, 2, body.length) as { value: number; size: number };
  const src = readAddress(body, 2 + dst.size, body.length) as { value: number; size: number };
  const control = body[header - 1] as number;
  if (!crc16X25Matches(body, 0, length - 2)) return fail('fcs', `FCS ${hex16(body, length - 2)} does not match ${crcHex(body, 0, length - 2)}`);
  let information: Uint8Array = new Uint8Array(0);
  if (header + 2 < length) {
    if (header + 4 > length - 2) return fail('length', 'information field shorter than its HCS');
    if (!crc16X25Matches(body, 0, header)) return fail('hcs', `HCS ${hex16(body, header)} does not match ${crcHex(body, 0, header)}`);
    information = body.slice(header + 2, length - 2);
  }
  return ok({ segmented: (f0 & 0x08) !== 0, length, destination: dst.value, source: src.value, control, information });
}

function hex16(b: Uint8Array, at: number): string {
  return (((b[at] as number) << 8) | (b[at + 1] as number)).toString(16).toUpperCase().padStart(4, '0');
}

function crcHex(b: Uint8Array, start: number, end: number): string {
  const c = crc16X25(b, start, end);
  return (((c & 0xff) << 8) | (c >>> 8)).toString(16).toUpperCase().padStart(4, '0');
}

/** Removes 0x7D escapes. A trailing lone escape means the sender aborted the frame. */
export function unstuff(body: Uint8Array): Result<Uint8Array, HdlcErrorKind> {
  if (body.indexOf(HDLC_ESCAPE) < 0) return ok(body);
  const out = new Uint8Array(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    let b = body[i] as number;
    if (b === HDLC_ESCAPE) {
      if (i + 1 >= body.length) return fail('framing', 'frame aborted (escape before the closing flag)');
      b = (body[++i] as number) ^ 0x20;
    }
    out[n++] = b;
  }
  return ok(out.slice(0, n));
}

/** Escapes 0x7E and 0x7D (and nothing else) for a sender that stuffs. */
export function stuff(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of body) {
    if (b === HDLC_FLAG || b === HDLC_ESCAPE) out.push(HDLC_ESCAPE, b ^ 0x20);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

function addressBytes(address: number): number[] {
  const out: number[] = [];
  let v = address;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (!((out[out.length - 1] as number) & 1) || out.length > 4) throw new RangeError(`HDLC address 0x${address.toString(16)} lacks its end bit`);
  return out;
}

/** Builds a frame, flags included (no stuffing). Throws on a programming error (too long, bad address). */
export function encodeHdlcFrame(f: { destination: number; source: number; control: number; information: Uint8Array; segmented?: boolean }): Uint8Array {
  const head = [...addressBytes(f.destination), ...addressBytes(f.source), f.control & 0xff];
  const hasInfo = f.information.length > 0;
  const length = 2 + head.length + (hasInfo ? 2 + f.information.length : 0) + 2;
  if (length > HDLC_MAX_LENGTH) throw new RangeError(`HDLC frame of ${length} bytes exceeds the 11-bit length field`);
  const out = new Uint8Array(length + 2);
  out[0] = HDLC_FLAG;
  out[1] = 0xa0 | (f.segmented ? 0x08 : 0) | (length >> 8);
  out[2] = length & 0xff;
  out.set(head, 3);
  let at = 3 + head.length;
  if (hasInfo) {
    const hcs = crc16X25(out, 1, at);
    out[at++] = hcs & 0xff;
    out[at++] = hcs >>> 8;
    out.set(f.information, at);
    at += f.information.length;
  }
  const fcs = crc16X25(out, 1, at);
  out[at++] = fcs & 0xff;
  out[at++] = fcs >>> 8;
  out[at] = HDLC_FLAG;
  return out;
}
