// Shared pieces of the three list layouts: turning A-XDR values into items, and the input an
// encoder takes.
import type { QuantityValues } from '../../../core/quantities.js';
import type { DlmsData, IntegerType } from '../axdr.js';
import { parseCosemDateTime, formatWallClock, type CosemDateTime } from '../cosem-datetime.js';
import { scale, type HanItem, type HanList } from '../han-frame.js';
import { OBIS_IMPLIED_UNITS, OBIS_ROLES, cde, formatObis } from '../obis.js';

export interface LayoutBody {
  items: HanItem[];
  listVersion?: string;
  meterId?: string;
  model?: string;
  clock?: CosemDateTime;
  /** The layout's name when one decoder serves several (the generic OBIS list, positional tables). */
  layout?: string;
  manufacturer?: string;
  /** Clock convention of the meter (Kamstrup: local standard time all year). */
  clockMode?: 'local' | 'standard';
  warnings?: string[];
}

/** What the caller knows about the meter that the frame does not say. */
export interface LayoutContext {
  /** ISO 3166 country of the installation: picks a list's country variant (Kamstrup NO: 10 Wh per count). */
  country?: string;
}

/** What `encodeHanFrame` needs to build a list. */
export interface HanEncodeInput {
  list: HanList;
  /** The instant the meter clock shows (UTC epoch ms). */
  meterTimeMs: number;
  /** IANA zone of the meter's wall clock; Europe/Oslo when omitted. */
  timeZone?: string;
  meterId: string;
  meterModel: string;
  values: QuantityValues;
  /** Single-phase meters send shorter lists (Kaifa: 9/14 items). Default 3. */
  phases?: 1 | 3;
}

const INTEGER_TYPES = new Set(['integer', 'long', 'double-long', 'unsigned', 'long-unsigned', 'double-long-unsigned', 'long64', 'long64-unsigned', 'enum']);

export function isInteger(d: DlmsData | undefined): d is Extract<DlmsData, { type: IntegerType }> {
  return d !== undefined && INTEGER_TYPES.has(d.type);
}

export function isObisOctets(d: DlmsData | undefined): d is Extract<DlmsData, { type: 'octet-string' }> {
  return d !== undefined && d.type === 'octet-string' && d.bytes.length === 6;
}

function printable(bytes: Uint8Array): boolean {
  return bytes.every((b) => b >= 0x20 && b < 0x7f);
}

/** Text of a string item (visible, utf8, or octet-string holding ASCII). */
export function textOf(d: DlmsData): string | undefined {
  if (d.type === 'visible-string' || d.type === 'utf8-string') return d.text;
  if (d.type === 'octet-string' && printable(d.bytes)) return String.fromCharCode(...d.bytes);
  return undefined;
}

/**
 * One item from an OBIS code (or its stand-in), a value and a scaler/unit. Returns a reason
 * string when the value has the wrong shape for what the code means.
 */
export function makeItem(obis: ArrayLike<number>, d: DlmsData, scaler: number | undefined, unit: string | undefined, body: LayoutBody): HanItem | string {
  const code = formatObis(obis);
  const role = OBIS_ROLES[cde(obis)];
  if (role === 'clock') {
    if (d.type !== 'octet-string' && d.type !== 'date-time') return `${code}: clock is ${d.type}`;
    const dt = parseCosemDateTime(d.bytes);
    if (!dt.ok) return `${code}: ${dt.error.detail}`;
    body.clock = dt.value;
    return { obis: code, role, type: d.type, raw: formatWallClock(dt.value) };
  }
  if (role) {
    const text = textOf(d);
    if (text === undefined) return `${code}: ${role} is not text`;
    if (role === 'listVersion') body.listVersion = text;
    else if (role === 'meterId') body.meterId = text;
    else body.model = text;
    return { obis: code, role, type: d.type, raw: text };
  }
  if (isInteger(d) || d.type === 'float32' || d.type === 'float64') {
    const item: HanItem = { obis: code, type: d.type, raw: d.value };
    if (scaler !== undefined) {
      item.scaler = scaler;
      item.value = scale(d.value, scaler);
    }
    if (unit !== undefined) item.unit = unit;
    return item;
  }
  const text = textOf(d);
  if (text !== undefined) return { obis: code, type: d.type, raw: text };
  return `${code}: value of type ${d.type}`;
}

/** The unit a value with this C.D.E is reported in by vendors that leave it out. */
export function impliedUnit(obis: ArrayLike<number>): string | undefined {
  return OBIS_IMPLIED_UNITS[cde(obis)];
}

export function obisBytes(text: string): Uint8Array {
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new RangeError(`not an OBIS code: ${text}`);
  return Uint8Array.from(m.slice(1).map(Number));
}

/** Raw integer for a value at a resolution, clamped to the type's range (meters never send negatives here). */
export function rawFor(value: number | undefined, scaler: number, max: number, min = 0): number {
  const raw = Math.round(scale(value ?? 0, -scaler));
  return Math.min(max, Math.max(min, raw));
}

/** Import and export sides of a value the caller may give net or split. */
export function directions(values: QuantityValues, imp: keyof QuantityValues, exp: keyof QuantityValues, net: keyof QuantityValues): [number, number] {
  const i = values[imp];
  const e = values[exp];
  if (i !== undefined || e !== undefined) return [i ?? 0, e ?? 0];
  const n = values[net] ?? 0;
  return [Math.max(n, 0), Math.max(-n, 0)];
}
