// A-XDR encoding of DLMS/COSEM `Data` (IEC 62056-6-2 / Green Book): a tag byte, then the
// value; arrays, structures and strings carry a variable-length count. Every count is checked
// against the bytes left before anything is allocated, and nesting is bounded.
import { fail, ok, type Result } from '../../core/result.js';

export type IntegerType =
  | 'integer'
  | 'long'
  | 'double-long'
  | 'unsigned'
  | 'long-unsigned'
  | 'double-long-unsigned'
  | 'long64'
  | 'long64-unsigned'
  | 'enum';

export type DlmsData =
  | { type: 'null' }
  | { type: 'array' | 'structure'; items: DlmsData[] }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; bits: number; bytes: Uint8Array }
  | { type: IntegerType; value: number }
  | { type: 'float32' | 'float64'; value: number }
  | { type: 'bcd'; value: number }
  | { type: 'octet-string'; bytes: Uint8Array }
  | { type: 'visible-string' | 'utf8-string'; text: string; bytes: Uint8Array }
  | { type: 'date-time' | 'date' | 'time'; bytes: Uint8Array };

export const MAX_DEPTH = 8;

const FIXED: Record<number, { type: IntegerType; size: number; signed: boolean }> = {
  0x05: { type: 'double-long', size: 4, signed: true },
  0x06: { type: 'double-long-unsigned', size: 4, signed: false },
  0x0f: { type: 'integer', size: 1, signed: true },
  0x10: { type: 'long', size: 2, signed: true },
  0x11: { type: 'unsigned', size: 1, signed: false },
  0x12: { type: 'long-unsigned', size: 2, signed: false },
  0x14: { type: 'long64', size: 8, signed: true },
  0x15: { type: 'long64-unsigned', size: 8, signed: false },
  0x16: { type: 'enum', size: 1, signed: false },
};

const TAG_OF: Record<string, number> = {
  null: 0x00, array: 0x01, structure: 0x02, boolean: 0x03, 'bit-string': 0x04, 'octet-string': 0x09,
  'visible-string': 0x0a, 'utf8-string': 0x0c, bcd: 0x0d, float32: 0x17, float64: 0x18,
  'date-time': 0x19, date: 0x1a, time: 0x1b,
};
for (const [tag, f] of Object.entries(FIXED)) TAG_OF[f.type] = Number(tag);

const LATIN1 = new TextDecoder('latin1');
const UTF8 = new TextDecoder('utf-8');

export interface Cursor {
  bytes: Uint8Array;
  at: number;
}

/** Reads an A-XDR length (short form < 0x80, or 0x8N followed by N big-endian bytes). */
export function readLength(c: Cursor): Result<number, 'axdr'> {
  if (c.at >= c.bytes.length) return fail('axdr', `length expected at byte ${c.at}, data ended`);
  const first = c.bytes[c.at++] as number;
  if (first < 0x80) return ok(first);
  const n = first & 0x7f;
  if (n === 0 || n > 3) return fail('axdr', `length of ${n} bytes at byte ${c.at - 1} is not supported`);
  if (c.at + n > c.bytes.length) return fail('axdr', `length field at byte ${c.at - 1} runs past the data`);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (c.bytes[c.at++] as number);
  return ok(v);
}

function take(c: Cursor, n: number, what: string): Result<Uint8Array, 'axdr'> {
  if (n > c.bytes.length - c.at) return fail('axdr', `${what} of ${n} bytes at byte ${c.at} runs past the data (${c.bytes.length - c.at} left)`);
  const out = c.bytes.subarray(c.at, c.at + n);
  c.at += n;
  return ok(out);
}

function readInt(b: Uint8Array, size: number, signed: boolean): number {
  const dv = new DataView(b.buffer, b.byteOffset, size);
  switch (size) {
    case 1: return signed ? dv.getInt8(0) : dv.getUint8(0);
    case 2: return signed ? dv.getInt16(0) : dv.getUint16(0);
    case 4: return signed ? dv.getInt32(0) : dv.getUint32(0);
    default: return Number(signed ? dv.getBigInt64(0) : dv.getBigUint64(0));
  }
}

/** Decodes one tagged value at the cursor. */
export function readData(c: Cursor, depth = 0): Result<DlmsData, 'axdr'> {
  if (depth > MAX_DEPTH) return fail('axdr', `data nested deeper than ${MAX_DEPTH}`);
  if (c.at >= c.bytes.length) return fail('axdr', `data tag expected at byte ${c.at}, data ended`);
  const tagAt = c.at;
  const tag = c.bytes[c.at++] as number;
  const fixed = FIXED[tag];
  if (fixed) {
    const b = take(c, fixed.size, fixed.type);
    return b.ok ? ok({ type: fixed.type, value: readInt(b.value, fixed.size, fixed.signed) }) : b;
  }
  switch (tag) {
    case 0x00:
      return ok({ type: 'null' });
    case 0x01:
    case 0x02: {
      const n = readLength(c);
      if (!n.ok) return n;
      // Every element takes at least its tag byte: a count beyond the bytes left is a lie.
      if (n.value > c.bytes.length - c.at) return fail('axdr', `${tag === 1 ? 'array' : 'structure'} of ${n.value} items at byte ${tagAt} cannot fit in ${c.bytes.length - c.at} bytes`);
      const items: DlmsData[] = [];
      for (let i = 0; i < n.value; i++) {
        const item = readData(c, depth + 1);
        if (!item.ok) return item;
        items.push(item.value);
      }
      return ok({ type: tag === 1 ? 'array' : 'structure', items });
    }
    case 0x03: {
      const b = take(c, 1, 'boolean');
      return b.ok ? ok({ type: 'boolean', value: b.value[0] !== 0 }) : b;
    }
    case 0x04: {
      const n = readLength(c);
      if (!n.ok) return n;
      const b = take(c, Math.ceil(n.value / 8), 'bit-string');
      return b.ok ? ok({ type: 'bit-string', bits: n.value, bytes: b.value.slice() }) : b;
    }
    case 0x09:
    case 0x0a:
    case 0x0c: {
      const n = readLength(c);
      if (!n.ok) return n;
      const b = take(c, n.value, 'string');
      if (!b.ok) return b;
      const bytes = b.value.slice();
      if (tag === 0x09) return ok({ type: 'octet-string', bytes });
      const text = (tag === 0x0a ? LATIN1 : UTF8).decode(bytes);
      return ok({ type: tag === 0x0a ? 'visible-string' : 'utf8-string', text, bytes });
    }
    case 0x0d: {
      const b = take(c, 1, 'bcd');
      return b.ok ? ok({ type: 'bcd', value: b.value[0] as number }) : b;
    }
    case 0x17:
    case 0x18: {
      const size = tag === 0x17 ? 4 : 8;
      const b = take(c, size, 'float');
      if (!b.ok) return b;
      const dv = new DataView(b.value.buffer, b.value.byteOffset, size);
      return ok({ type: tag === 0x17 ? 'float32' : 'float64', value: size === 4 ? dv.getFloat32(0) : dv.getFloat64(0) });
    }
    case 0x19:
    case 0x1a:
    case 0x1b: {
      const size = tag === 0x19 ? 12 : tag === 0x1a ? 5 : 4;
      const b = take(c, size, 'date/time');
      return b.ok ? ok({ type: tag === 0x19 ? 'date-time' : tag === 0x1a ? 'date' : 'time', bytes: b.value.slice() }) : b;
    }
    default:
      return fail('axdr', `unknown data tag 0x${tag.toString(16).padStart(2, '0')} at byte ${tagAt}`);
  }
}

export function writeLength(n: number, out: number[]): void {
  if (n < 0x80) out.push(n);
  else if (n < 0x100) out.push(0x81, n);
  else if (n < 0x10000) out.push(0x82, n >> 8, n & 0xff);
  else out.push(0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

const SIZE_OF: Partial<Record<IntegerType, number>> = { integer: 1, unsigned: 1, enum: 1, long: 2, 'long-unsigned': 2, 'double-long': 4, 'double-long-unsigned': 4, long64: 8, 'long64-unsigned': 8 };

/** Encodes a value (the simulator's side). Throws on values that do not fit their type. */
export function writeData(d: DlmsData, out: number[] = []): number[] {
  out.push(TAG_OF[d.type] as number);
  switch (d.type) {
    case 'null':
      break;
    case 'array':
    case 'structure':
      writeLength(d.items.length, out);
      for (const item of d.items) writeData(item, out);
      break;
    case 'boolean':
      out.push(d.value ? 1 : 0);
      break;
    case 'bit-string':
      writeLength(d.bits, out);
      out.push(...d.bytes);
      break;
    case 'octet-string':
    case 'visible-string':
    case 'utf8-string':
      writeLength(d.bytes.length, out);
      out.push(...d.bytes);
      break;
    case 'bcd':
      out.push(d.value & 0xff);
      break;
    case 'float32':
    case 'float64': {
      const b = new DataView(new ArrayBuffer(d.type === 'float32' ? 4 : 8));
      if (d.type === 'float32') b.setFloat32(0, d.value);
      else b.setFloat64(0, d.value);
      out.push(...new Uint8Array(b.buffer));
      break;
    }
    case 'date-time':
    case 'date':
    case 'time':
      out.push(...d.bytes);
      break;
    default: {
      const size = SIZE_OF[d.type] as number;
      const signed = d.type === 'integer' || d.type === 'long' || d.type === 'double-long' || d.type === 'long64';
      if (!Number.isInteger(d.value)) throw new RangeError(`${d.type} needs an integer, got ${d.value}`);
      const b = new DataView(new ArrayBuffer(size));
      if (size === 8) {
        if (signed) b.setBigInt64(0, BigInt(d.value));
        else b.setBigUint64(0, BigInt(d.value));
      } else {
        const lim = 2 ** (8 * size);
        const min = signed ? -lim / 2 : 0;
        const max = signed ? lim / 2 - 1 : lim - 1;
        if (d.value < min || d.value > max) throw new RangeError(`${d.value} does not fit ${d.type}`);
        if (size === 1) signed ? b.setInt8(0, d.value) : b.setUint8(0, d.value);
        else if (size === 2) signed ? b.setInt16(0, d.value) : b.setUint16(0, d.value);
        else signed ? b.setInt32(0, d.value) : b.setUint32(0, d.value);
      }
      out.push(...new Uint8Array(b.buffer));
    }
  }
  return out;
}

/** Convenience constructors for encoders. */
export const axdr = {
  u32: (value: number): DlmsData => ({ type: 'double-long-unsigned', value }),
  i32: (value: number): DlmsData => ({ type: 'double-long', value }),
  u16: (value: number): DlmsData => ({ type: 'long-unsigned', value }),
  i16: (value: number): DlmsData => ({ type: 'long', value }),
  i8: (value: number): DlmsData => ({ type: 'integer', value }),
  enum: (value: number): DlmsData => ({ type: 'enum', value }),
  octets: (bytes: Uint8Array): DlmsData => ({ type: 'octet-string', bytes }),
  visible: (text: string): DlmsData => ({ type: 'visible-string', text, bytes: Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff) }),
  struct: (...items: DlmsData[]): DlmsData => ({ type: 'structure', items }),
  array: (items: DlmsData[]): DlmsData => ({ type: 'array', items }),
};
