// Reading and writing single points in register words, with SunSpec's "not implemented"
// sentinels. Pure: words in, values out; a value the device marks as not implemented is
// `undefined`, never a number.
import type { PointDef, PointType } from './types.js';

/** Sentinel register values meaning "not implemented", per type. */
export const NOT_IMPLEMENTED = {
  int16: 0x8000,
  uint16: 0xffff,
  acc16: 0,
  sunssf: 0x8000,
  int32: 0x80000000,
  uint32: 0xffffffff,
  acc32: 0,
} as const;

/** Scale factors outside this range are treated as broken (the spec allows -10..10). */
export const SF_MIN = -10;
export const SF_MAX = 10;

function u32(words: ArrayLike<number>, at: number): number {
  return (((words[at] ?? 0) & 0xffff) * 0x10000 + ((words[at + 1] ?? 0) & 0xffff)) >>> 0;
}

function u64(words: ArrayLike<number>, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 16n) | BigInt((words[at + i] ?? 0) & 0xffff);
  return v;
}

const F32 = new DataView(new ArrayBuffer(4));

/** Raw value of a point as the registers hold it, or undefined when not implemented. */
export function readRaw(words: ArrayLike<number>, at: number, type: PointType, size: number): number | string | undefined {
  const w = (words[at] ?? 0) & 0xffff;
  switch (type) {
    case 'int16':
    case 'sunssf':
      return w === 0x8000 ? undefined : w >= 0x8000 ? w - 0x10000 : w;
    case 'uint16':
    case 'count':
    case 'enum16':
    case 'bitfield16':
      return w === 0xffff ? undefined : w;
    case 'acc16':
      return w === 0 ? undefined : w;
    case 'pad':
      return undefined;
    case 'int32': {
      const v = u32(words, at);
      return v === 0x80000000 ? undefined : v >= 0x80000000 ? v - 0x100000000 : v;
    }
    case 'uint32':
    case 'enum32':
    case 'bitfield32': {
      const v = u32(words, at);
      return v === 0xffffffff ? undefined : v;
    }
    case 'acc32': {
      const v = u32(words, at);
      return v === 0 ? undefined : v;
    }
    case 'int64': {
      const v = BigInt.asIntN(64, u64(words, at));
      return v === -(1n << 63n) ? undefined : Number(v);
    }
    case 'uint64': {
      const v = u64(words, at);
      return v === (1n << 64n) - 1n ? undefined : Number(v);
    }
    case 'acc64': {
      const v = u64(words, at);
      return v === 0n ? undefined : Number(v);
    }
    case 'float32': {
      F32.setUint32(0, u32(words, at));
      const v = F32.getFloat32(0);
      return Number.isFinite(v) ? float32Value(v) : undefined;
    }
    case 'string':
      return readString(words, at, size);
  }
}

/**
 * float32 holds about 7 significant decimal digits; devices often truncate rather than round
 * (0x3E4CCCCC is 0.19999999 where 0.2 was meant), so values are read to 7 significant digits.
 */
export function float32Value(v: number): number {
  return Number(v.toPrecision(7));
}

/** Two ASCII/UTF-8 bytes per register, high byte first, NUL-padded; all NULs = not implemented. */
export function readString(words: ArrayLike<number>, at: number, size: number): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    const w = (words[at + i] ?? 0) & 0xffff;
    bytes.push(w >> 8, w & 0xff);
  }
  const end = bytes.indexOf(0);
  const used = end < 0 ? bytes : bytes.slice(0, end);
  const text = Buffer.from(used).toString('latin1').trimEnd();
  return text.length === 0 ? undefined : text;
}

/** value × 10^sf without binary noise for the common cases (e.g. 5348 × 10^-2 = 53.48). */
export function applyScale(raw: number, sf: number): number {
  if (sf === 0) return raw;
  if (sf > 0) return raw * 10 ** sf;
  return Number((raw / 10 ** -sf).toPrecision(15));
}

/** The register words of a raw (already unscaled) point value, or of its sentinel when undefined. */
export function encodeRaw(type: PointType, size: number, raw: number | string | undefined): number[] {
  switch (type) {
    case 'string': {
      const bytes = Buffer.from(typeof raw === 'string' ? raw : '', 'latin1');
      const out: number[] = [];
      for (let i = 0; i < size; i++) out.push(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
      return out;
    }
    case 'pad':
      return [0x8000];
    case 'float32': {
      F32.setFloat32(0, typeof raw === 'number' ? raw : NaN);
      const v = F32.getUint32(0);
      return [v >>> 16, v & 0xffff];
    }
    case 'int64':
    case 'uint64':
    case 'acc64': {
      const sentinel = type === 'int64' ? 1n << 63n : type === 'uint64' ? (1n << 64n) - 1n : 0n;
      let v = typeof raw === 'number' ? BigInt.asUintN(64, BigInt(Math.trunc(raw))) : sentinel;
      const out = [0, 0, 0, 0];
      for (let i = 3; i >= 0; i--) {
        out[i] = Number(v & 0xffffn);
        v >>= 16n;
      }
      return out;
    }
    default:
      break;
  }
  const n = typeof raw === 'number' ? Math.trunc(raw) : undefined;
  const sentinel: number =
    type === 'int16' || type === 'sunssf'
      ? 0x8000
      : type === 'acc16' || type === 'acc32'
        ? 0
        : type === 'int32'
          ? 0x80000000
          : type === 'uint32' || type === 'enum32' || type === 'bitfield32'
            ? 0xffffffff
            : 0xffff;
  if (size === 1) return [n === undefined ? sentinel : n & 0xffff];
  const v = n === undefined ? sentinel : n >>> 0;
  return [(v >>> 16) & 0xffff, v & 0xffff];
}

/** Names of the set bits of a bitfield, by the point's symbols (unnamed bits as `bitN`). */
export function bitNames(point: PointDef, bits: number): string[] {
  const names: string[] = [];
  // Lowest set bit first; bitfields are at most 32 bits wide.
  for (let v = bits >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) {
    const b = 31 - Math.clz32(v & -v);
    names.push(point.symbols?.[b] ?? `bit${b}`);
  }
  return names;
}
