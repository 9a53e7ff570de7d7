// Lists that send values by position, without OBIS codes, as data: each layout says what the
// frame must show for it to apply (item count, the list id or device name it carries, which
// positions are numbers) and what every position stands for. A frame no layout matches is
// reported as unknown, never decoded by the nearest shape.
import type { DlmsData } from '../axdr.js';
import type { HanItem } from '../han-frame.js';
import { impliedUnit, isInteger, makeItem, obisBytes, textOf, type LayoutBody } from './layout.js';

/** A position: an identification role, a numeric OBIS code with its scaler, or unknown (kept raw). */
export type Position = { role: 'deviceName' | 'listVersion' | 'meterId' | 'model' } | { obis: string; scaler: number } | null;

export interface PositionalLayout {
  id: string;
  manufacturer: string;
  model: string;
  country: string;
  /** Where the layout comes from (captures, the grid operator's documentation). */
  source: string;
  count: number;
  /** Text the frame must carry at these positions. */
  texts: Record<number, RegExp>;
  /** Positions that must hold integers (tells apart lists of equal length). */
  integers?: number[];
  positions: Position[];
}

const id = (role: 'deviceName' | 'listVersion' | 'meterId' | 'model'): Position => ({ role });
const n = (obis: string, scaler = 0): Position => ({ obis, scaler });
const POWERS = [n('1-0:1.7.0.255'), n('1-0:2.7.0.255'), n('1-0:3.7.0.255'), n('1-0:4.7.0.255')];
const VOLTAGES = [n('1-0:32.7.0.255', -1), n('1-0:52.7.0.255', -1), n('1-0:72.7.0.255', -1)];
const CURRENTS = [n('1-0:31.7.0.255', -2), n('1-0:51.7.0.255', -2), n('1-0:71.7.0.255', -2)];
const ISKRA_SI = 'amsreader-firmware test/payloads/iskraemeco (issues 615, 869, 956: Elektro Ljubljana and Elektro Celje)';

export const POSITIONAL_LAYOUTS: readonly PositionalLayout[] = [
  {
    id: 'iskraemeco-am550-si-instant', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 18, texts: { 0: /^ISK/, 1: /^16820005$/ },
    positions: [id('deviceName'), id('listVersion'), ...POWERS, ...VOLTAGES, ...CURRENTS,
      n('1-0:21.7.0.255'), n('1-0:41.7.0.255'), n('1-0:61.7.0.255'), n('1-0:22.7.0.255'), n('1-0:42.7.0.255'), n('1-0:62.7.0.255')],
  },
  {
    // Two items between the list id and the registers (an enum and two bytes) are not documented.
    id: 'iskraemeco-am550-si-energy', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 12, texts: { 0: /^ISK/, 1: /^16820006$/ },
    positions: [id('deviceName'), id('listVersion'), null, null,
      n('1-0:1.8.0.255'), n('1-0:1.8.1.255'), n('1-0:1.8.2.255'), n('1-0:2.8.0.255'), n('1-0:2.8.1.255'), n('1-0:2.8.2.255'), n('1-0:3.8.0.255'), n('1-0:4.8.0.255')],
  },
  {
    id: 'iskraemeco-am550-si-celje', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 12, texts: { 0: /^ISK/, 1: /^UP_3f$/ },
    positions: [id('deviceName'), id('listVersion'), ...VOLTAGES, ...CURRENTS, ...POWERS],
  },
  {
    // Single-phase 5 s list; the last two numbers are not documented.
    id: 'iskraemeco-am550-si-1phase', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 9, texts: { 0: /^ISK\d{13}$/, 1: /^ISK\d{8}$/ },
    positions: [id('deviceName'), id('meterId'), ...POWERS, n('1-0:32.7.0.255', -1), null, null],
  },
  {
    id: 'iskraemeco-am550-si-1phase-current', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 10, texts: { 0: /^ISK\d{13}$/, 1: /^ISK\d{8}$/ },
    positions: [id('deviceName'), id('meterId'), ...POWERS, n('1-0:32.7.0.255', -1), n('1-0:31.7.0.255', -2), null, null],
  },
  {
    id: 'iskraemeco-am550-si-1s', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 9, texts: { 0: /^ISK\d{13}$/ }, integers: [1, 2, 3, 4, 5, 6, 7, 8],
    positions: [id('deviceName'), n('1-0:1.7.0.255'), n('1-0:2.7.0.255'),
      n('1-0:1.8.0.255'), n('1-0:1.8.1.255'), n('1-0:1.8.2.255'), n('1-0:2.8.0.255'), n('1-0:2.8.1.255'), n('1-0:2.8.2.255')],
  },
  {
    id: 'iskraemeco-am550-si-15min', manufacturer: 'Iskraemeco', model: 'AM550', country: 'SI', source: ISKRA_SI,
    count: 4, texts: { 0: /^\d{8}$/ }, integers: [1, 2, 3],
    positions: [id('meterId'), null, n('1-0:1.8.0.255'), n('1-0:2.8.0.255')],
  },
];

function matches(layout: PositionalLayout, items: DlmsData[]): boolean {
  if (items.length !== layout.count) return false;
  for (const [at, pattern] of Object.entries(layout.texts)) {
    const d = items[Number(at)];
    const text = d === undefined ? undefined : textOf(d);
    if (text === undefined || !pattern.test(text)) return false;
  }
  for (const at of layout.integers ?? []) if (!isInteger(items[at])) return false;
  return true;
}

export function findPositionalLayout(body: DlmsData): PositionalLayout | undefined {
  if (body.type !== 'structure') return undefined;
  return POSITIONAL_LAYOUTS.find((l) => matches(l, body.items));
}

export function decodePositionalBody(body: DlmsData): LayoutBody | string | undefined {
  const layout = findPositionalLayout(body);
  if (!layout || body.type !== 'structure') return undefined;
  const out: LayoutBody = { items: [], layout: layout.id, manufacturer: layout.manufacturer };
  for (let i = 0; i < layout.positions.length; i++) {
    const pos = layout.positions[i] as Position;
    const d = body.items[i] as DlmsData;
    if (pos === null) {
      out.items.push(rawItem(d));
    } else if ('role' in pos) {
      const text = textOf(d);
      if (text === undefined) return `position ${i} (${pos.role}) is ${d.type}, not text`;
      if (pos.role === 'listVersion') out.listVersion = text;
      else if (pos.role === 'meterId') out.meterId = text;
      out.items.push({ role: pos.role, type: d.type, raw: text });
    } else {
      if (!isInteger(d)) return `position ${i} (${pos.obis}) holds ${d.type}, not an integer`;
      const obis = obisBytes(pos.obis);
      const unitItem = makeItem(obis, d, pos.scaler, impliedUnit(obis), out);
      if (typeof unitItem === 'string') return unitItem;
      out.items.push(unitItem);
    }
  }
  return out;
}

function rawItem(d: DlmsData): HanItem {
  if (isInteger(d)) return { type: d.type, raw: d.value };
  const text = textOf(d);
  if (text !== undefined) return { type: d.type, raw: text };
  return { type: d.type, raw: 'bytes' in d ? Buffer.from(d.bytes).toString('hex').toUpperCase() : d.type };
}
