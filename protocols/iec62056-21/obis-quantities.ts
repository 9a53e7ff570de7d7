// OBIS value groups C.D.E → normalised quantities, shared by IEC 62056-21 readouts and DSMR P1
// (a profile of the same data-set syntax). Net values are built from the two directions meters
// report (1.7.0 import − 2.7.0 export); energy totals use x.8.0 when present, else the sum of
// the tariff registers x.8.1, x.8.2, …, which are kept separately too.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import { parseDecimal } from './decimal.js';

type Dimension = 'power' | 'energy' | 'reactive-power' | 'reactive-energy' | 'voltage' | 'current' | 'frequency' | 'ratio';

/**
 * Decimal exponent from a printed unit to the base unit of each dimension. Units are matched
 * without case ('KWh', 'kvarh', 'kVArh' all occur) except for a leading 'M' (mega), so 'MWh'
 * and a milli-something stay apart.
 */
const UNITS: Record<Dimension, Record<string, number>> = {
  power: { w: 0, kw: 3, Mw: 6 },
  energy: { wh: 0, kwh: 3, Mwh: 6 },
  'reactive-power': { var: 0, kvar: 3, Mvar: 6 },
  'reactive-energy': { varh: 0, kvarh: 3, Mvarh: 6 },
  voltage: { v: 0, kv: 3 },
  current: { a: 0, ma: -3 },
  frequency: { hz: 0 },
  ratio: {},
};

/** Unit assumed when a value has none: the unit meters print for it (kWh, kW). */
const DEFAULT_SHIFT: Record<Dimension, number> = {
  power: 3,
  energy: 3,
  'reactive-power': 3,
  'reactive-energy': 3,
  voltage: 0,
  current: 0,
  frequency: 0,
  ratio: 0,
};

/** Dimension of C.D.E, or undefined when we do not map it. Per-phase blocks repeat every 20: L1 = 20 + x, L2 = 40 + x, L3 = 60 + x. */
function dimensionOf(c: number, d: number): Dimension | undefined {
  if (d !== 7 && d !== 8) return undefined;
  const base = c >= 1 && c <= 80 ? ((c - 1) % 20) + 1 : c === 91 ? 11 : 0;
  if (base === 1 || base === 2 || base === 15 || base === 16) return d === 7 ? 'power' : 'energy';
  if (base === 3 || base === 4) return d === 7 ? 'reactive-power' : 'reactive-energy';
  if (d !== 7) return undefined;
  if (base === 11) return 'current';
  if (base === 12) return 'voltage';
  if (base === 13) return 'ratio';
  if (base === 14 && c === 14) return 'frequency';
  return undefined;
}

export interface ObisNumber {
  /** Normalised C.D.E, e.g. '1.8.1'. */
  key: string;
  text: string;
  unit?: string;
}

export interface MappedObis {
  values: QuantityValues;
  /** Tariff registers in Wh: import['1'] is 1.8.1, export['2'] is 2.8.2. */
  energyByTariffWh: { import: Record<string, number>; export: Record<string, number> };
}

/** A data set whose key we map but whose unit or number does not fit. */
export interface ObisProblem {
  problem: 'unit' | 'value';
  key: string;
  value: string;
  unit?: string;
}

const dimensions = new Map<string, Dimension | null>();

/** Dimension of a normalised key, remembered: the same few dozen keys come in every telegram. */
function dimensionOfKey(key: string): Dimension | undefined {
  let dim = dimensions.get(key);
  if (dim === undefined) {
    const m = /^(\d+)\.(\d+)\.\d+$/.exec(key);
    dim = (m ? dimensionOf(Number(m[1]), Number(m[2])) : undefined) ?? null;
    if (dimensions.size > 10_000) dimensions.clear(); // random input cannot grow it without bound
    dimensions.set(key, dim);
  }
  return dim ?? undefined;
}

/** True for keys of power and energy (active or reactive), which meters print in kilo units. */
export function isPowerOrEnergyKey(key: string): boolean {
  const dim = dimensionOfKey(key);
  return dim === 'power' || dim === 'energy' || dim === 'reactive-power' || dim === 'reactive-energy';
}

/** True when C.D.E (normalised) maps onto a quantity, so its value must be a number. */
export function isMappedKey(key: string): boolean {
  return dimensionOfKey(key) !== undefined;
}

/** Base-unit value of one data set; undefined when its key is not mapped. */
export function scaledValue(item: ObisNumber): number | ObisProblem | undefined {
  const dim = dimensionOfKey(item.key);
  if (dim === undefined) return undefined;
  let shift = DEFAULT_SHIFT[dim];
  if (item.unit !== undefined && item.unit !== '') {
    const u = item.unit.startsWith('M') ? `M${item.unit.slice(1).toLowerCase()}` : item.unit.toLowerCase();
    const s = UNITS[dim][u];
    if (s === undefined) return { problem: 'unit', key: item.key, unit: item.unit, value: item.text };
    shift = s;
  }
  const v = parseDecimal(item.text, shift);
  return v === undefined ? { problem: 'value', key: item.key, value: item.text } : v;
}

/** C.D.E read directly into a quantity (shared with DSMR P1; docs/meter-formats.md lists it). */
export const OBIS_DIRECT: Record<string, Quantity> = {
  '1.7.0': 'powerImportW',
  '2.7.0': 'powerExportW',
  '16.7.0': 'powerW',
  '3.7.0': 'reactivePowerImportVar',
  '4.7.0': 'reactivePowerExportVar',
  '32.7.0': 'voltageL1V',
  '52.7.0': 'voltageL2V',
  '72.7.0': 'voltageL3V',
  '31.7.0': 'currentL1A',
  '51.7.0': 'currentL2A',
  '71.7.0': 'currentL3A',
  '91.7.0': 'currentNA',
  '14.7.0': 'frequencyHz',
  '13.7.0': 'powerFactor',
  // Per-phase active power as one signed value (IEC 62056-61 C = 36/56/76: import − export), as
  // eBZ DD3 meters print it; 21/22, 41/42 and 61/62 below stay the two-register form.
  '36.7.0': 'powerL1W',
  '56.7.0': 'powerL2W',
  '76.7.0': 'powerL3W',
};

const DIRECT_ENTRIES = Object.entries(OBIS_DIRECT);

/** Net quantity = plus − minus, over the keys present. */
export const OBIS_NET: Array<[Quantity, string, string]> = [
  ['powerW', '1.7.0', '2.7.0'],
  ['reactivePowerVar', '3.7.0', '4.7.0'],
  ['powerL1W', '21.7.0', '22.7.0'],
  ['powerL2W', '41.7.0', '42.7.0'],
  ['powerL3W', '61.7.0', '62.7.0'],
  ['reactivePowerL1Var', '23.7.0', '24.7.0'],
  ['reactivePowerL2Var', '43.7.0', '44.7.0'],
  ['reactivePowerL3Var', '63.7.0', '64.7.0'],
];

const TOTALS: Array<[Quantity, string]> = [
  ['energyImportWh', '1.8'],
  ['energyExportWh', '2.8'],
  ['reactiveEnergyImportVarh', '3.8'],
  ['reactiveEnergyExportVarh', '4.8'],
];

/** Rounds away binary noise from sums of decimals (0.1 + 0.2). */
function clean(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Maps data sets onto quantities; the first unit or number that does not fit its quantity is an error. */
export function mapObisNumbers(items: ObisNumber[]): MappedObis | ObisProblem {
  const byKey = new Map<string, number>();
  for (const item of items) {
    if (byKey.has(item.key)) continue; // first occurrence wins, as meters list current values first
    const v = scaledValue(item);
    if (v === undefined) continue;
    if (typeof v !== 'number') return v;
    byKey.set(item.key, v);
  }
  const values: QuantityValues = {};
  // A signed total under 1.7 (EasyMeter prints -142.30 W when exporting) is the net power:
  // its two directions are split so powerImportW/powerExportW stay non-negative.
  const signed = byKey.get('1.7.0');
  if (signed !== undefined && signed < 0 && !byKey.has('2.7.0')) {
    byKey.set('1.7.0', 0);
    byKey.set('2.7.0', -signed);
  }
  for (const [key, q] of DIRECT_ENTRIES) {
    const v = byKey.get(key);
    if (v !== undefined) values[q] = v;
  }
  for (const [q, plus, minus] of OBIS_NET) {
    if (values[q] !== undefined) continue;
    const p = byKey.get(plus);
    const m = byKey.get(minus);
    if (p === undefined && m === undefined) continue;
    values[q] = clean((p ?? 0) - (m ?? 0));
  }
  const energyByTariffWh: MappedObis['energyByTariffWh'] = { import: {}, export: {} };
  for (const [q, prefix] of TOTALS) {
    const total = byKey.get(`${prefix}.0`);
    let sum = 0;
    let any = false;
    for (const [key, v] of byKey) {
      if (!key.startsWith(`${prefix}.`) || key === `${prefix}.0`) continue;
      sum += v;
      any = true;
      if (prefix === '1.8') energyByTariffWh.import[key.slice(4)] = v;
      if (prefix === '2.8') energyByTariffWh.export[key.slice(4)] = v;
    }
    if (total !== undefined) values[q] = total;
    else if (any) values[q] = clean(sum);
  }
  return { values, energyByTariffWh };
}
