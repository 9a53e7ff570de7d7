// Kaifa MA304 (KFM_001): one structure of values by position, no OBIS codes and no scalers.
// The list is told by its length (1; 9/14 single-phase; 13/18 three-phase) and the scaling is
// the vendor's fixed convention: W, var, mA, dV, Wh, varh.
import { axdr, type DlmsData } from '../axdr.js';
import { directions, impliedUnit, isInteger, makeItem, obisBytes, rawFor, type HanEncodeInput, type LayoutBody } from './layout.js';

const ID = ['1-1:0.2.129.255', '0-0:96.1.0.255', '0-0:96.1.7.255'];
const POWERS = ['1-0:1.7.0.255', '1-0:2.7.0.255', '1-0:3.7.0.255', '1-0:4.7.0.255'];
const CURRENTS3 = ['1-0:31.7.0.255', '1-0:51.7.0.255', '1-0:71.7.0.255'];
const VOLTAGES3 = ['1-0:32.7.0.255', '1-0:52.7.0.255', '1-0:72.7.0.255'];
const CLOCK_AND_ENERGY = ['0-0:1.0.0.255', '1-0:1.8.0.255', '1-0:2.8.0.255', '1-0:3.8.0.255', '1-0:4.8.0.255'];

/** The OBIS code each position stands for, by item count. */
export const KAIFA_POSITIONS: Record<number, string[]> = {
  1: ['1-0:1.7.0.255'],
  9: [...ID, ...POWERS, '1-0:31.7.0.255', '1-0:32.7.0.255'],
  13: [...ID, ...POWERS, ...CURRENTS3, ...VOLTAGES3],
  14: [...ID, ...POWERS, '1-0:31.7.0.255', '1-0:32.7.0.255', ...CLOCK_AND_ENERGY],
  18: [...ID, ...POWERS, ...CURRENTS3, ...VOLTAGES3, ...CLOCK_AND_ENERGY],
};

interface Position {
  code: string;
  obis: Uint8Array;
  /** Scaler and unit for numbers; undefined for the identification strings and the clock. */
  scaler?: number;
  unit?: string;
}

// Worked out once: decoding runs for every frame, every few seconds, on a small box.
const POSITIONS: Record<number, Position[]> = Object.fromEntries(
  Object.entries(KAIFA_POSITIONS).map(([n, codes]) => [
    n,
    codes.map((code): Position => {
      const obis = obisBytes(code);
      const unit = impliedUnit(obis);
      return unit === undefined ? { code, obis } : { code, obis, unit, scaler: kaifaScaler(code) };
    }),
  ]),
);

/** Kaifa's fixed resolution (mA, dV, else 1), by full OBIS code or by C.D.E. */
export function kaifaScaler(obis: string): number {
  const c = (obis.includes(':') ? obis.split(':')[1] : obis)?.split('.')[0];
  if (c === '31' || c === '51' || c === '71') return -3;
  if (c === '32' || c === '52' || c === '72') return -1;
  return 0;
}

export function decodeKaifaBody(body: DlmsData): LayoutBody | string | undefined {
  if (body.type !== 'structure') return undefined;
  const positions = POSITIONS[body.items.length];
  if (!positions) return undefined;
  // The list names itself (KFM_001): other vendors' positional lists of the same length are not Kaifa's.
  if (body.items.length > 1 && textOfFirst(body.items[0]) !== true) return undefined;
  if (body.items.length === 1 && !isInteger(body.items[0])) return undefined;
  const out: LayoutBody = { items: [] };
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i] as Position;
    const d = body.items[i] as DlmsData;
    if (pos.unit !== undefined && !isInteger(d)) return `position ${i} (${pos.code}) holds ${d.type}, not an integer`;
    const item = makeItem(pos.obis, d, pos.scaler, pos.unit, out);
    if (typeof item === 'string') return item;
    out.items.push(item);
  }
  return out;
}

function textOfFirst(d: DlmsData | undefined): boolean {
  if (d === undefined || (d.type !== 'octet-string' && d.type !== 'visible-string') || d.bytes.length === 0 || d.bytes.length >= 32) return false;
  return d.bytes[0] === 0x4b && d.bytes[1] === 0x46 && d.bytes[2] === 0x4d; // 'KFM'
}

const MAX32 = 0xffffffff;

export function encodeKaifaBody(input: HanEncodeInput, clock: Uint8Array): DlmsData {
  const count = input.list === 1 ? 1 : input.phases === 1 ? (input.list === 2 ? 9 : 14) : input.list === 2 ? 13 : 18;
  const codes = KAIFA_POSITIONS[count] as string[];
  const v = input.values;
  const [pi, pe] = directions(v, 'powerImportW', 'powerExportW', 'powerW');
  const [qi, qe] = directions(v, 'reactivePowerImportVar', 'reactivePowerExportVar', 'reactivePowerVar');
  const numbers: Record<string, number | undefined> = {
    '1.7.0': pi, '2.7.0': pe, '3.7.0': qi, '4.7.0': qe,
    '31.7.0': v.currentL1A, '51.7.0': v.currentL2A, '71.7.0': v.currentL3A,
    '32.7.0': v.voltageL1V, '52.7.0': v.voltageL2V, '72.7.0': v.voltageL3V,
    '1.8.0': v.energyImportWh, '2.8.0': v.energyExportWh, '3.8.0': v.reactiveEnergyImportVarh, '4.8.0': v.reactiveEnergyExportVarh,
  };
  const text = (s: string): DlmsData => axdr.octets(Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff));
  const items = codes.map((code): DlmsData => {
    if (code === ID[0]) return text('KFM_001');
    if (code === ID[1]) return text(input.meterId);
    if (code === ID[2]) return text(input.meterModel);
    if (code === '0-0:1.0.0.255') return axdr.octets(clock);
    const c = code.split(':')[1]?.split('.').slice(0, 3).join('.') as string;
    return axdr.u32(rawFor(numbers[c], kaifaScaler(code), MAX32));
  });
  return axdr.struct(...items);
}
