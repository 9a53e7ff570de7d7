// Any list that names its values by OBIS code (Swedish, Danish, Austrian, Swiss meters):
// entries as {code, value[, scaler_unit]} structures or as code, value[, scaler_unit] runs in
// one structure, with a few free items (a header clock, a trailing id). Scalers come from the
// frame, else from the table of the list version the frame names; a value with neither is
// kept raw and said so, never scaled by a guess.
import type { DlmsData } from '../axdr.js';
import { DLMS_UNITS, OBIS_ROLES, cde, formatObis } from '../obis.js';
import { kaifaScaler } from './kaifa.js';
import { kamstrupScaler } from './kamstrup.js';
import { impliedUnit, isInteger, isObisOctets, makeItem, textOf, type LayoutBody, type LayoutContext } from './layout.js';
import { parseCosemDateTime, formatWallClock } from '../cosem-datetime.js';

interface Entry {
  obis?: Uint8Array;
  value: DlmsData;
  scalerUnit?: DlmsData;
}

interface ListTable {
  manufacturer: string;
  /** The list version identifier that names the list, or the codes its capture objects are drawn from. */
  version?: RegExp;
  codes?: readonly string[];
  scaler: (c: string, ctx: LayoutContext) => number;
  clockMode?: 'standard';
  /** Where the table comes from. */
  source: string;
}

/** Scaler tables of lists that leave scaler_unit out. */
export const LIST_TABLES: readonly ListTable[] = [
  { manufacturer: 'Kamstrup', version: /^Kamstrup_V0001$/, scaler: (c, ctx) => kamstrupScaler(c, ctx.country), clockMode: 'standard', source: 'Kamstrup HAN-NVE list (conformance set); Swedish Wh: amsreader issue 239' },
  { manufacturer: 'Kaifa', version: /^KFM_001$/, scaler: (c) => kaifaScaler(c), source: 'Kaifa MA304 HAN list (conformance set); Swedish Mälarenergi breakdown: amsreader issue 242' },
  {
    // Landis+Gyr E450 (Switzerland) pushes its capture-object list with the values, without
    // scalers: V, cA, W, Wh, varh. Any list of these codes (the DSOs pick different subsets).
    manufacturer: 'Landis+Gyr', source: 'amsreader issues 740 (Regionalwerke Baden) and 934 (E450, Switzerland)',
    codes: [
      '0-0:96.1.0.255', '1-0:1.7.0.255', '1-0:2.7.0.255', '1-1:1.8.0.255', '1-1:2.8.0.255', '1-1:5.8.0.255', '1-1:6.8.0.255', '1-1:7.8.0.255', '1-1:8.8.0.255',
      '1-0:31.7.0.255', '1-0:51.7.0.255', '1-0:71.7.0.255', '1-0:32.7.0.255', '1-0:52.7.0.255', '1-0:72.7.0.255', '1-0:21.7.0.255', '1-0:41.7.0.255', '1-0:61.7.0.255',
    ],
    scaler: (c) => (c === '31.7.0' || c === '51.7.0' || c === '71.7.0' ? -2 : 0),
  },
];

function tableFor(version: string | undefined, entries: Entry[]): ListTable | undefined {
  const codes = entries.filter((e) => e.obis).map((e) => formatObis(e.obis as Uint8Array));
  return LIST_TABLES.find((t) =>
    t.version ? version !== undefined && t.version.test(version) : t.codes !== undefined && codes.length >= 3 && codes.every((c) => t.codes?.includes(c)),
  );
}

const MAX_FREE_ITEMS = 4;

function isScalerUnit(d: DlmsData | undefined): boolean {
  return d !== undefined && d.type === 'structure' && d.items.length === 2 && isInteger(d.items[0]) && d.items[1]?.type === 'enum';
}

function isCaptureObject(d: DlmsData | undefined): d is Extract<DlmsData, { items: DlmsData[] }> {
  return d !== undefined && d.type === 'structure' && d.items.length === 4 && isInteger(d.items[0]) && isObisOctets(d.items[1]) && isInteger(d.items[2]) && isInteger(d.items[3]);
}

/**
 * A push that sends its capture-object list first (class, code, attribute, index per value),
 * then the values in that order; the push setup's own entries are kept as free items.
 */
function captureEntries(body: DlmsData): { entries: Entry[]; free: number } | undefined {
  if (body.type !== 'structure' || body.items.length < 3) return undefined;
  const head = body.items[0] as DlmsData;
  if (head.type !== 'array' || head.items.length !== body.items.length || !head.items.every(isCaptureObject)) return undefined;
  const entries: Entry[] = [];
  let free = 0;
  for (let i = 0; i < head.items.length; i++) {
    const obis = ((head.items[i] as Extract<DlmsData, { items: DlmsData[] }>).items[1] as Extract<DlmsData, { type: 'octet-string' }>).bytes;
    const value = body.items[i] as DlmsData;
    if (cde(obis) === '25.9.0') {
      entries.push({ value: i === 0 ? { type: 'visible-string', text: `capture objects (${head.items.length})`, bytes: new Uint8Array(0) } : value });
      free++;
    } else entries.push({ obis, value });
  }
  return { entries, free };
}

/** Splits a body into OBIS entries and free items; undefined when it does not name its values. */
function entriesOf(body: DlmsData): { entries: Entry[]; free: number } | undefined {
  if ((body.type !== 'array' && body.type !== 'structure') || body.items.length < 2) return undefined;
  const captured = captureEntries(body);
  if (captured) return captured;
  const entries: Entry[] = [];
  let free = 0;
  const items = body.items;
  for (let i = 0; i < items.length; i++) {
    const d = items[i] as DlmsData;
    if (d.type === 'structure' && (d.items.length === 2 || d.items.length === 3) && isObisOctets(d.items[0])) {
      entries.push({ obis: d.items[0].bytes, value: d.items[1] as DlmsData, scalerUnit: d.items[2] });
    } else if (isObisOctets(d) && i + 1 < items.length) {
      const e: Entry = { obis: d.bytes, value: items[i + 1] as DlmsData };
      i++;
      if (isScalerUnit(items[i + 1])) {
        e.scalerUnit = items[i + 1];
        i++;
      }
      entries.push(e);
    } else {
      entries.push({ value: d });
      free++;
    }
  }
  const named = entries.length - free;
  if (named < 2 || free > MAX_FREE_ITEMS) return undefined;
  return { entries, free };
}

function listVersionOf(entries: Entry[]): string | undefined {
  for (const e of entries) {
    if (e.obis && OBIS_ROLES[cde(e.obis)] === 'listVersion') return textOf(e.value);
  }
  const first = entries[0];
  return first && !first.obis ? textOf(first.value) : undefined;
}

export function decodeObisListBody(body: DlmsData, ctx: LayoutContext = {}): LayoutBody | string | undefined {
  const split = entriesOf(body);
  if (!split) return undefined;
  const out: LayoutBody = { items: [], layout: 'obis-list', warnings: [] };
  const version = listVersionOf(split.entries);
  const table = tableFor(version, split.entries);
  if (table) {
    out.manufacturer = table.manufacturer;
    if (table.clockMode) out.clockMode = table.clockMode;
  }
  const unscaled: string[] = [];
  for (const e of split.entries) {
    if (!e.obis) {
      out.items.push(freeItem(e.value, out));
      continue;
    }
    let scaler: number | undefined;
    let unit: string | undefined;
    if (e.scalerUnit) {
      if (!isScalerUnit(e.scalerUnit)) return `${formatObis(e.obis)}: scaler/unit is not {integer, enum}`;
      const su = e.scalerUnit as Extract<DlmsData, { items: DlmsData[] }>;
      scaler = (su.items[0] as { value: number }).value;
      const code = (su.items[1] as { value: number }).value;
      unit = DLMS_UNITS[code] ?? `unit-${code}`;
      if (scaler < -9 || scaler > 9) return `${formatObis(e.obis)}: scaler ${scaler} out of range`;
    } else if (isInteger(e.value) || e.value.type === 'float32' || e.value.type === 'float64') {
      unit = impliedUnit(e.obis);
      if (unit !== undefined && table) scaler = table.scaler(cde(e.obis), ctx);
      else if (unit !== undefined) {
        unscaled.push(formatObis(e.obis));
        unit = undefined;
      }
    }
    const item = makeItem(e.obis, e.value, scaler, unit, out);
    if (typeof item === 'string') return item;
    out.items.push(item);
  }
  if (unscaled.length > 0) {
    out.warnings?.push(`no scaler in the frame and no table for list ${version === undefined ? '(unnamed)' : `'${version}'`}: ${unscaled.join(', ')} left raw`);
  }
  return out;
}

/** An item the list carries without a code: a clock, a text, or a number kept as sent. */
function freeItem(d: DlmsData, body: LayoutBody): LayoutBody['items'][number] {
  if ((d.type === 'octet-string' || d.type === 'date-time') && d.bytes.length === 12) {
    const dt = parseCosemDateTime(d.bytes);
    if (dt.ok) {
      body.clock ??= dt.value;
      return { role: 'clock', type: d.type, raw: formatWallClock(dt.value) };
    }
  }
  const text = textOf(d);
  if (text !== undefined) return { type: d.type, raw: text };
  if (isInteger(d) || d.type === 'float32' || d.type === 'float64') return { type: d.type, raw: d.value };
  return { type: d.type, raw: dumpValue(d) };
}

/** A short rendering of any value, for dumps of what we do not decode. */
export function dumpValue(d: DlmsData, depth = 0): string {
  if (d.type === 'array' || d.type === 'structure') {
    if (depth > 2) return `${d.type}(${d.items.length})`;
    return `${d.type}[${d.items.slice(0, 8).map((x) => dumpValue(x, depth + 1)).join(', ')}${d.items.length > 8 ? ', …' : ''}]`;
  }
  if ('value' in d) return String(d.value);
  if ('text' in d) return JSON.stringify(d.text);
  if ('bytes' in d) {
    const text = textOf(d);
    return text !== undefined && text.length > 0 ? JSON.stringify(text) : Buffer.from(d.bytes.subarray(0, 16)).toString('hex').toUpperCase();
  }
  return d.type;
}
