// Aidon (and the Swedish/Nordic lists shaped like it): an array of structures, each an OBIS
// code, a value and, for numbers, a {scaler, unit} structure. Strings and the clock come as
// two-item structures.
import { axdr, type DlmsData } from '../axdr.js';
import { encodeCosemDateTime, utcToWallClockMs } from '../cosem-datetime.js';
import { DLMS_UNITS, DLMS_UNIT_CODE } from '../obis.js';
import { directions, isInteger, isObisOctets, makeItem, obisBytes, rawFor, type HanEncodeInput, type LayoutBody } from './layout.js';

/** Undefined when the body is not shaped like an Aidon list; a reason when it is but breaks a rule. */
export function decodeAidonBody(body: DlmsData): LayoutBody | string | undefined {
  if (body.type !== 'array' || body.items.length === 0) return undefined;
  const looksAidon = body.items.every((s) => s.type === 'structure' && (s.items.length === 2 || s.items.length === 3) && isObisOctets(s.items[0]));
  if (!looksAidon) return undefined;
  const out: LayoutBody = { items: [] };
  for (const s of body.items as Array<Extract<DlmsData, { items: DlmsData[] }>>) {
    const obis = (s.items[0] as Extract<DlmsData, { type: 'octet-string' }>).bytes;
    const value = s.items[1] as DlmsData;
    let scaler: number | undefined;
    let unit: string | undefined;
    if (s.items.length === 3) {
      const su = s.items[2] as DlmsData;
      if (su.type !== 'structure' || su.items.length !== 2 || !isInteger(su.items[0]) || !isInteger(su.items[1])) return 'scaler/unit is not {integer, enum}';
      scaler = (su.items[0] as { value: number }).value;
      const code = (su.items[1] as { value: number }).value;
      // A unit we do not map (°C, m³, …) keeps its code; such an item maps to no quantity.
      unit = DLMS_UNITS[code] ?? `unit-${code}`;
      if (scaler < -9 || scaler > 9) return `scaler ${scaler} out of range`;
    }
    const item = makeItem(obis, value, scaler, unit, out);
    if (typeof item === 'string') return item;
    out.items.push(item);
  }
  return out;
}

interface Row {
  obis: string;
  data: (v: HanEncodeInput) => DlmsData;
  scaler?: number;
  unit?: string;
}

const u32 = (n: number): DlmsData => axdr.u32(n);
const MAX32 = 0xffffffff;

function rows(list: 1 | 2 | 3, clock: Uint8Array): Row[] {
  const power: Row[] = [
    { obis: '1-0:1.7.0.255', scaler: 0, unit: 'W', data: (v) => u32(rawFor(directions(v.values, 'powerImportW', 'powerExportW', 'powerW')[0], 0, MAX32)) },
  ];
  if (list === 1) return power;
  const r: Row[] = [
    { obis: '1-1:0.2.129.255', data: () => axdr.visible('AIDON_V0001') },
    { obis: '0-0:96.1.0.255', data: (v) => axdr.visible(v.meterId) },
    { obis: '0-0:96.1.7.255', data: (v) => axdr.visible(v.meterModel) },
    ...power,
    { obis: '1-0:2.7.0.255', scaler: 0, unit: 'W', data: (v) => u32(rawFor(directions(v.values, 'powerImportW', 'powerExportW', 'powerW')[1], 0, MAX32)) },
    { obis: '1-0:3.7.0.255', scaler: 0, unit: 'var', data: (v) => u32(rawFor(directions(v.values, 'reactivePowerImportVar', 'reactivePowerExportVar', 'reactivePowerVar')[0], 0, MAX32)) },
    { obis: '1-0:4.7.0.255', scaler: 0, unit: 'var', data: (v) => u32(rawFor(directions(v.values, 'reactivePowerImportVar', 'reactivePowerExportVar', 'reactivePowerVar')[1], 0, MAX32)) },
  ];
  const phases = ['L1', 'L2', 'L3'] as const;
  const currentC = [31, 51, 71];
  const voltageC = [32, 52, 72];
  for (let i = 0; i < 3; i++) r.push({ obis: `1-0:${currentC[i]}.7.0.255`, scaler: -1, unit: 'A', data: (v) => axdr.i16(rawFor(v.values[`current${phases[i]}A` as const], -1, 0x7fff, -0x8000)) });
  for (let i = 0; i < 3; i++) r.push({ obis: `1-0:${voltageC[i]}.7.0.255`, scaler: -1, unit: 'V', data: (v) => axdr.u16(rawFor(v.values[`voltage${phases[i]}V` as const], -1, 0xffff)) });
  if (list === 3) {
    r.push({ obis: '0-0:1.0.0.255', data: () => axdr.octets(clock) });
    r.push({ obis: '1-0:1.8.0.255', scaler: 1, unit: 'Wh', data: (v) => u32(rawFor(v.values.energyImportWh, 1, MAX32)) });
    r.push({ obis: '1-0:2.8.0.255', scaler: 1, unit: 'Wh', data: (v) => u32(rawFor(v.values.energyExportWh, 1, MAX32)) });
    r.push({ obis: '1-0:3.8.0.255', scaler: 1, unit: 'varh', data: (v) => u32(rawFor(v.values.reactiveEnergyImportVarh, 1, MAX32)) });
    r.push({ obis: '1-0:4.8.0.255', scaler: 1, unit: 'varh', data: (v) => u32(rawFor(v.values.reactiveEnergyExportVarh, 1, MAX32)) });
  }
  return r;
}

/** The notification body an Aidon 6534 sends (no header date-time; the clock is an item of list 3). */
export function encodeAidonBody(input: HanEncodeInput): DlmsData {
  // Aidon NO sends its local wall clock with deviation 0 and status 0 (see the elwiz capture).
  const clock = encodeCosemDateTime(utcToWallClockMs(input.meterTimeMs, input.timeZone ?? 'Europe/Oslo', 'local'), 0x00, 0);
  return axdr.array(
    rows(input.list, clock).map((row) => {
      const parts: DlmsData[] = [axdr.octets(obisBytes(row.obis)), row.data(input)];
      if (row.scaler !== undefined) parts.push(axdr.struct(axdr.i8(row.scaler), axdr.enum(DLMS_UNIT_CODE[row.unit ?? ''] as number)));
      return axdr.struct(...parts);
    }),
  );
}
