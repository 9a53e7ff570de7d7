// The telegram a real meter would send, for the device simulator: the object order, number
// formats and units of the DSMR version (2.2, 4.2, 5.0) or of Fluvius e-MUCS, with the CRC
// where the version has one. Values are rounded to the resolution the version prints.
import type { QuantityValues } from '../../core/quantities.js';
import { crc16Arc } from '../checksums/crc16-arc.js';
import { asciiToHex } from './objects.js';
import { formatDsmrTimestamp } from './local-time.js';

export type P1EncodeVersion = '2.2' | '4.2' | '5.0' | 'e-mucs';

export interface P1EncodeInput {
  version: P1EncodeVersion;
  /** Identification line without '/', e.g. 'ISk5\\2MT382-1000'. */
  header: string;
  /** Equipment id as text; sent hex-encoded as meters do. */
  meterId: string;
  meterTimeMs: number;
  /** IANA zone of the meter's clock, e.g. 'Europe/Amsterdam'. */
  timeZone: string;
  values: QuantityValues;
  /** Gas meter reading and its capture time (values.gasM3 is used when gasM3 is absent). */
  gasM3?: number;
  gasTimeMs?: number;
  gasMeterId?: string;
  /** Split of the energy totals over tariffs 1 and 2; all on tariff 1 unless given. */
  energyByTariffWh?: { import: [number, number]; export: [number, number] };
  activeTariff?: 1 | 2;
}

/**
 * |value| × 10^-shift as fixed-point text (W with shift 3 → kW). Rounds in the integer domain
 * where it can (1005 W → 1.01 kW), so halves go up instead of following binary noise.
 */
function fixed(value: number, shift: number, intDigits: number, decimals: number): string {
  const e = decimals - shift;
  const n = e >= 0 ? Math.round(Math.abs(value) * 10 ** e) : Math.round(Math.abs(value) / 10 ** -e);
  const s = String(n).padStart(decimals + 1, '0');
  const int = decimals === 0 ? s : s.slice(0, -decimals);
  return int.padStart(intDigits, '0') + (decimals === 0 ? '' : `.${s.slice(-decimals)}`);
}

interface Formats {
  energy: [number, number];
  power: [number, number];
  voltage: [number, number];
  current: [number, number];
}

const FORMATS: Record<P1EncodeVersion, Formats> = {
  '2.2': { energy: [5, 3], power: [4, 2], voltage: [3, 1], current: [3, 0] },
  '4.2': { energy: [6, 3], power: [2, 3], voltage: [3, 1], current: [3, 0] },
  '5.0': { energy: [6, 3], power: [2, 3], voltage: [3, 1], current: [3, 0] },
  'e-mucs': { energy: [6, 3], power: [2, 3], voltage: [3, 1], current: [3, 2] },
};

export function encodeP1Telegram(input: P1EncodeInput): string {
  const { version, values: v } = input;
  const f = FORMATS[version];
  const kWh = (wh: number): string => `${fixed(wh, 3, f.energy[0], f.energy[1])}*kWh`;
  const kW = (w: number): string => `${fixed(Math.max(0, w), 3, f.power[0], f.power[1])}*kW`;
  const volt = (x: number): string => `${fixed(x, 0, f.voltage[0], f.voltage[1])}*V`;
  const amp = (x: number): string => `${fixed(x, 0, f.current[0], f.current[1])}*A`;
  const stamp = (ms: number): string => formatDsmrTimestamp(ms, input.timeZone);
  const lines: string[] = [`/${input.header}`, ''];
  const add = (obis: string, ...vals: string[]): void => {
    lines.push(`${obis}${vals.map((x) => `(${x})`).join('')}`);
  };

  const importWh = input.energyByTariffWh?.import ?? [v.energyImportWh ?? 0, 0];
  const exportWh = input.energyByTariffWh?.export ?? [v.energyExportWh ?? 0, 0];
  const net = v.powerW ?? (v.powerImportW ?? 0) - (v.powerExportW ?? 0);
  const powerIn = v.powerImportW ?? Math.max(0, net);
  const powerOut = v.powerExportW ?? Math.max(0, -net);
  const phases = ([1, 2, 3] as const).filter(
    (p) => p === 1 || v[`voltageL${p}V`] !== undefined || v[`currentL${p}A`] !== undefined || v[`powerL${p}W`] !== undefined,
  );
  const tariff = String(input.activeTariff ?? 1).padStart(4, '0');
  const gas = input.gasM3 ?? v.gasM3;

  if (version === '4.2' || version === '5.0') add('1-3:0.2.8', version === '4.2' ? '42' : '50');
  if (version === 'e-mucs') add('0-0:96.1.4', '50217');
  if (version === 'e-mucs') add('0-0:96.1.1', asciiToHex(input.meterId));
  if (version !== '2.2') add('0-0:1.0.0', stamp(input.meterTimeMs));
  if (version !== 'e-mucs') add('0-0:96.1.1', asciiToHex(input.meterId));
  add('1-0:1.8.1', kWh(importWh[0]));
  add('1-0:1.8.2', kWh(importWh[1]));
  add('1-0:2.8.1', kWh(exportWh[0]));
  add('1-0:2.8.2', kWh(exportWh[1]));
  add('0-0:96.14.0', tariff);
  add('1-0:1.7.0', kW(powerIn));
  add('1-0:2.7.0', kW(powerOut));
  if (version === '2.2') {
    add('0-0:17.0.0', '0999.00*kW');
    add('0-0:96.3.10', '1');
    add('0-0:96.13.1', '');
    add('0-0:96.13.0', '');
  }
  if (version === '4.2' || version === '5.0') {
    add('0-0:96.7.21', '00000');
    add('0-0:96.7.9', '00000');
    add('1-0:99.97.0', '0', '0-0:96.7.19');
    for (const c of [32, 36]) for (const p of phases) add(`1-0:${p * 20 + 12}.${c}.0`, '00000');
    if (version === '4.2') add('0-0:96.13.1', '');
    add('0-0:96.13.0', '');
  }
  if (version !== '2.2') {
    // DSMR 4.2 has no instantaneous voltage; 5.0 and e-MUCS do.
    if (version !== '4.2') for (const p of phases) add(`1-0:${p * 20 + 12}.7.0`, volt(v[`voltageL${p}V`] ?? 0));
    for (const p of phases) add(`1-0:${p * 20 + 11}.7.0`, amp(v[`currentL${p}A`] ?? 0));
    for (const p of phases) add(`1-0:${p * 20 + 1}.7.0`, kW(v[`powerL${p}W`] ?? 0));
    for (const p of phases) add(`1-0:${p * 20 + 2}.7.0`, kW(-(v[`powerL${p}W`] ?? 0)));
  }
  if (version === 'e-mucs') {
    add('0-0:96.3.10', '1');
    add('0-0:17.0.0', '999.9*kW');
    add('1-0:31.4.0', '999*A');
    add('0-0:96.13.0', '');
  }
  if (gas !== undefined) {
    const gasId = asciiToHex(input.gasMeterId ?? `G${input.meterId}`);
    const gasStamp = input.gasTimeMs ?? input.meterTimeMs;
    add('0-1:24.1.0', version === '2.2' ? '3' : '003');
    add(version === 'e-mucs' ? '0-1:96.1.1' : '0-1:96.1.0', gasId);
    if (version === '2.2') {
      add('0-1:24.3.0', formatDsmrTimestamp(gasStamp, input.timeZone, false), '00', '60', '1', '0-1:24.2.1', 'm3');
      lines.push(`(${fixed(gas, 0, 5, 3)})`);
      add('0-1:24.4.0', '1');
    } else if (version === 'e-mucs') {
      add('0-1:24.4.0', '1');
      add('0-1:24.2.3', stamp(gasStamp), `${fixed(gas, 0, 5, 3)}*m3`);
    } else {
      add('0-1:24.2.1', stamp(gasStamp), `${fixed(gas, 0, 5, 3)}*m3`);
    }
  }
  const body = `${lines.join('\r\n')}\r\n!`;
  if (version === '2.2') return `${body}\r\n`;
  const bytes = Uint8Array.from(body, (c) => {
    const code = c.charCodeAt(0);
    if (code > 0xff) throw new Error(`P1 telegrams are Latin-1; '${c}' in the input cannot be sent`);
    return code;
  });
  return `${body}${crc16Arc(bytes).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}
