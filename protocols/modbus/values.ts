// Typed values in register windows, both directions: decode (gateway) and encode (the
// simulator's register image). Raw values are numbers (integers as read, floats as read) or
// strings; scaling and unit conversion to a Quantity are separate steps.
import { unitOf } from '../../core/quantities.js';
import { registerWords, type RegisterDef } from './registers.js';

export type RawValue = number | string;

const scratch = new DataView(new ArrayBuffer(8));

/** The register's words in big-endian logical order (high word first, high byte first). */
function logicalWords(def: RegisterDef, src: ArrayLike<number>, offset: number, n: number): number[] {
  const out = new Array<number>(n);
  const lowFirst = def.wordOrder === 'low-first';
  const swapBytes = def.byteOrder === 'little';
  for (let i = 0; i < n; i++) {
    const w = src[offset + (lowFirst ? n - 1 - i : i)]! & 0xffff;
    out[i] = swapBytes ? ((w & 0xff) << 8) | (w >>> 8) : w;
  }
  return out;
}

function storeWords(def: RegisterDef, words: number[], out: { [i: number]: number }, offset: number): void {
  const n = words.length;
  const lowFirst = def.wordOrder === 'low-first';
  const swapBytes = def.byteOrder === 'little';
  for (let i = 0; i < n; i++) {
    const w = words[i]! & 0xffff;
    out[offset + (lowFirst ? n - 1 - i : i)] = swapBytes ? ((w & 0xff) << 8) | (w >>> 8) : w;
  }
}

/** Decodes the raw value of `def` from `src[offset …]`. The caller guarantees the window holds it. */
export function decodeRaw(def: RegisterDef, src: ArrayLike<number>, offset: number): RawValue {
  const n = registerWords(def);
  const w = logicalWords(def, src, offset, n);
  switch (def.type) {
    case 'u16':
    case 'enum16':
    case 'bitfield16':
      return w[0]!;
    case 'i16':
      return w[0]! >= 0x8000 ? w[0]! - 0x10000 : w[0]!;
    case 'u32':
    case 'acc32':
    case 'bitfield32':
      return w[0]! * 0x10000 + w[1]!;
    case 'i32': {
      const u = w[0]! * 0x10000 + w[1]!;
      return u >= 0x80000000 ? u - 0x100000000 : u;
    }
    case 'u64':
    case 'i64': {
      let v = 0n;
      for (const x of w) v = (v << 16n) | BigInt(x);
      return Number(def.type === 'i64' ? BigInt.asIntN(64, v) : v);
    }
    case 'float32':
      scratch.setUint16(0, w[0]!);
      scratch.setUint16(2, w[1]!);
      return scratch.getFloat32(0);
    case 'float64':
      for (let i = 0; i < 4; i++) scratch.setUint16(2 * i, w[i]!);
      return scratch.getFloat64(0);
    case 'string': {
      let s = '';
      for (const x of w) s += String.fromCharCode(x >>> 8, x & 0xff);
      return s.replace(/[\0\s]+$/, '');
    }
  }
}

const INT_RANGE: Partial<Record<RegisterDef['type'], [number, number]>> = {
  u16: [0, 0xffff],
  enum16: [0, 0xffff],
  bitfield16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  bitfield32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
  u64: [0, 2 ** 64 - 1],
  i64: [-(2 ** 63), 2 ** 63 - 1],
};

/** Integer range a raw value of this type can hold; undefined for floats, strings, acc32. */
export function rawRange(def: RegisterDef): [number, number] | undefined {
  return INT_RANGE[def.type];
}

/**
 * Encodes a raw value of `def` into `out[offset …]`. Integers are rounded; out-of-range values
 * saturate (as a meter's register does) except acc32, which wraps like the counter it is.
 */
export function encodeRaw(def: RegisterDef, value: RawValue, out: { [i: number]: number }, offset: number): void {
  const n = registerWords(def);
  const w = new Array<number>(n).fill(0);
  if (def.type === 'string') {
    const s = String(value);
    for (let i = 0; i < n; i++) w[i] = ((s.charCodeAt(2 * i) & 0xff || 0) << 8) | (s.charCodeAt(2 * i + 1) & 0xff || 0);
    storeWords(def, w, out, offset);
    return;
  }
  const x = typeof value === 'number' ? value : Number(value);
  switch (def.type) {
    case 'float32':
      scratch.setFloat32(0, x);
      w[0] = scratch.getUint16(0);
      w[1] = scratch.getUint16(2);
      break;
    case 'float64':
      scratch.setFloat64(0, x);
      for (let i = 0; i < 4; i++) w[i] = scratch.getUint16(2 * i);
      break;
    case 'acc32': {
      const r = Number.isFinite(x) ? Math.round(x) : 0;
      const u = ((r % 0x100000000) + 0x100000000) % 0x100000000;
      w[0] = Math.floor(u / 0x10000);
      w[1] = u % 0x10000;
      break;
    }
    default: {
      const [lo, hi] = INT_RANGE[def.type]!;
      const r = Number.isFinite(x) ? Math.min(hi, Math.max(lo, Math.round(x))) : 0;
      // 64-bit limits are not exact doubles: clamp again in BigInt so 2^64 stays all-ones.
      let big = BigInt(r);
      if (n === 4) {
        const [bl, bh] = def.type === 'i64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
        big = big < bl ? bl : big > bh ? bh : big;
      }
      big = BigInt.asUintN(16 * n, big);
      for (let i = n - 1; i >= 0; i--) {
        w[i] = Number(big & 0xffffn);
        big >>= 16n;
      }
    }
  }
  storeWords(def, w, out, offset);
}

export function isNotImplemented(def: RegisterDef, raw: RawValue): boolean {
  return typeof raw === 'number' && (def.notImplemented?.includes(raw) ?? false);
}

const PREFIX: Record<string, number> = { k: 1e3, M: 1e6, m: 1e-3, d: 0.1, c: 0.01 };

/**
 * Factor from a vendor unit to a normalised one: 'kWh' → 'Wh' is 1000, 'kVArh' → 'varh' 1000.
 * Undefined when the units do not convert.
 */
export function unitFactor(from: string, to: string): number | undefined {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (same(from, to)) return 1;
  const p = PREFIX[from[0] ?? ''];
  if (p !== undefined && from.length > 1 && same(from.slice(1), to)) return p;
  const q = PREFIX[to[0] ?? ''];
  if (q !== undefined && to.length > 1 && same(from, to.slice(1))) return 1 / q;
  return undefined;
}

/** Multiplier from the raw number to the register's quantity (or its own unit without one). */
export function valueFactor(def: RegisterDef, scaleFactor = 0): number {
  let f = (def.multiplier ?? 1) / (def.divisor ?? 1);
  if (scaleFactor !== 0) f *= 10 ** scaleFactor;
  if (def.quantity) {
    const u = unitFactor(def.unit ?? '', unitOf(def.quantity));
    if (u === undefined) throw new Error(`${def.name}: unit '${def.unit ?? ''}' does not convert to ${unitOf(def.quantity)}`);
    f *= u;
  }
  return f;
}

/** Raw number → value in the quantity's unit. Divides where it can so 2301 / 10 is exactly 230.1. */
export function rawToValue(def: RegisterDef, raw: number, scaleFactor = 0): number {
  let v = raw * (def.multiplier ?? 1);
  if (def.divisor !== undefined) v /= def.divisor;
  if (scaleFactor > 0) v *= 10 ** scaleFactor;
  else if (scaleFactor < 0) v /= 10 ** -scaleFactor;
  if (def.quantity) {
    const u = unitFactor(def.unit ?? '', unitOf(def.quantity));
    if (u === undefined) throw new Error(`${def.name}: unit '${def.unit ?? ''}' does not convert to ${unitOf(def.quantity)}`);
    v = u < 1 ? v / Math.round(1 / u) : v * u;
  }
  return v;
}

/** Value in the quantity's unit → raw number (integers rounded by encodeRaw). */
export function valueToRaw(def: RegisterDef, value: number, scaleFactor = 0): number {
  return value / valueFactor(def, scaleFactor);
}
