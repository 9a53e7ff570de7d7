// A whole IEC 62056-21 readout as a meter sends it: optional echo of our request (optical
// heads echo), identification line, optional echo of our ACK option select, then either
// `STX data-lines '!' ETX BCC` (modes A/B/C) or plain data lines ending in '!' (mode D push,
// e.g. Hager eHZ, which has no BCC).
import { fail, ok, type Result } from '../../core/result.js';
import type { QuantityValues } from '../../core/quantities.js';
import { bcc } from './bcc.js';
import { formatDataSet, obisKey, parseDataLine, type IecDataSet } from './data-set.js';
import { ACK, decodeIdentification, encodeIdentification, ETX, EOT, STX, type IecIdentification } from './messages.js';
import { isMappedKey, mapObisNumbers, type ObisNumber } from './obis-quantities.js';
import { latin1Bytes, latin1Text } from '../latin1.js';

export type IecErrorKind =
  | 'empty'
  | 'not-text'
  | 'too-long'
  | 'no-start'
  | 'bad-identification'
  | 'no-etx'
  | 'no-bcc'
  | 'bcc-mismatch'
  | 'no-end'
  | 'bad-data-set'
  | 'bad-value'
  | 'bad-unit'
  | 'trailing-data';

export const IEC_ERROR_KINDS: readonly IecErrorKind[] = [
  'empty',
  'not-text',
  'too-long',
  'no-start',
  'bad-identification',
  'no-etx',
  'no-bcc',
  'bcc-mismatch',
  'no-end',
  'bad-data-set',
  'bad-value',
  'bad-unit',
  'trailing-data',
];

export interface IecReadout {
  identification?: IecIdentification;
  /** 'block' when the data came between STX and ETX with a checked BCC; 'push' when plain (mode D). */
  framing: 'block' | 'push';
  /** The data lines as sent, each a list of data sets. */
  lines: IecDataSet[][];
  dataSets: IecDataSet[];
  values: QuantityValues;
  energyByTariffWh: { import: Record<string, number>; export: Record<string, number> };
  meterId?: string;
  /** False when nothing checked the data: a push (mode D) or a mode A readout sent without ETX and BCC. */
  bccChecked: boolean;
  /** What the readout does that the standard does not allow but real meters send, in words. */
  warnings?: string[];
}

export const DEFAULT_IEC_MAX_BYTES = 32 * 1024;

export interface IecDecodeOptions {
  maxBytes?: number;
  /**
   * What a BCC that does not match does: 'reject' (the default, and the only choice for bytes
   * off a port) or 'decode-unchecked' for text whose bytes are known to have been edited after
   * the meter sent them (a published capture with an anonymised serial): the readout decodes
   * with bccChecked false and the mismatch named in its warnings.
   */
  bccMismatch?: 'reject' | 'decode-unchecked';
}

const LF = 0x0a;
const CR = 0x0d;

/** Line ends, spaces, NUL and DEL (optical heads send DEL bytes while they wake up). */
function isFiller(b: number): boolean {
  return b === CR || b === LF || b === 0x20 || b === 0x00 || b === 0x7f;
}

/** V, Z and Y of an acknowledgement/option select: digits (mode C) or letters (mode B, manufacturer modes). */
function isAckChar(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function lineEnd(bytes: Uint8Array, from: number): number {
  const i = bytes.indexOf(LF, from);
  return i < 0 ? bytes.length : i;
}

/** Decodes one readout; see the module comment for the accepted shapes. */
export function decodeIecReadout(input: string | Uint8Array, options: IecDecodeOptions = {}): Result<IecReadout, IecErrorKind> {
  const bytes = latin1Bytes(input);
  if (bytes === undefined) return fail('not-text', 'characters beyond Latin-1 cannot come from a meter');
  const max = options.maxBytes ?? DEFAULT_IEC_MAX_BYTES;
  if (bytes.length > max) return fail('too-long', `${bytes.length} bytes, limit ${max}`);
  let p = 0;
  while (p < bytes.length && isFiller(bytes[p] as number)) p++;
  if (p === bytes.length) return fail('empty', 'no readout');
  // An optical head echoes our '/?…!' request before the meter answers.
  if (bytes[p] === 0x2f && bytes[p + 1] === 0x3f) {
    const end = lineEnd(bytes, p);
    if (latin1Text(bytes, p, end).replace(/\r$/, '').endsWith('!')) p = end + 1;
    while (p < bytes.length && isFiller(bytes[p] as number)) p++;
  }
  let identification: IecIdentification | undefined;
  if (bytes[p] === 0x2f) {
    const end = lineEnd(bytes, p);
    const id = decodeIdentification(latin1Text(bytes, p, end));
    if (!id.ok) return fail('bad-identification', id.error.detail);
    identification = id.value;
    p = end + 1;
    // The head echoes our acknowledgement/option select (ACK V Z Y CR LF) too, before the data.
    if (bytes[p] === ACK && bytes[p + 4] === CR && bytes[p + 5] === LF && [1, 2, 3].every((k) => isAckChar(bytes[p + k] as number))) p += 6;
  }
  const rest = (k: number): Result<never, IecErrorKind> | undefined => {
    for (; k < bytes.length; k++) if (!isFiller(bytes[k] as number)) return fail('trailing-data', `byte 0x${(bytes[k] as number).toString(16)} at ${k} after the end`);
    return undefined;
  };

  let text: string;
  let framing: IecReadout['framing'];
  const stx = bytes.indexOf(STX, p);
  const pushStart = (() => {
    let k = p;
    while (k < bytes.length && isFiller(bytes[k] as number)) k++;
    return k;
  })();
  const warnings: string[] = [];
  let bccChecked = false;
  if (identification?.baudChar === ' ') warnings.push('identification line has a space where the baud rate character belongs (read as mode A, 300 Bd)');
  if (stx >= 0 && stx === pushStart) {
    let etx = -1;
    for (let k = stx + 1; k < bytes.length; k++) {
      if (bytes[k] === ETX || bytes[k] === EOT) {
        etx = k;
        break;
      }
    }
    if (etx < 0 && identification?.mode === 'A') {
      // Mode A meters (and readers that strip the block end) send no ETX and BCC: readable, unchecked.
      text = latin1Text(bytes, stx + 1, bytes.length).replace(/[\r\n\x00 ]+$/, '');
      if (!/(^|\n)!$|\)!$/.test(text)) return fail('no-etx', "no ETX after STX and no '!' end");
      warnings.push('mode A readout without ETX and BCC: not checked');
      framing = 'block';
    } else {
      if (etx < 0) return fail('no-etx', 'no ETX after STX');
      if (etx + 1 >= bytes.length) return fail('no-bcc', 'nothing after ETX');
      const given = bytes[etx + 1] as number;
      const computed = bcc(bytes, stx + 1, etx + 1);
      const mismatch = given !== computed ? `BCC 0x${given.toString(16)} given, 0x${computed.toString(16)} computed` : undefined;
      if (mismatch !== undefined && options.bccMismatch !== 'decode-unchecked') return fail('bcc-mismatch', mismatch);
      const trailing = rest(etx + 2);
      if (trailing) return trailing;
      text = latin1Text(bytes, stx + 1, etx);
      framing = 'block';
      bccChecked = mismatch === undefined;
      if (mismatch !== undefined) warnings.push(`${mismatch}: decoded unchecked, as asked`);
    }
  } else {
    if (identification === undefined) return fail('no-start', "neither an identification line '/' nor STX");
    // Push: data lines up to a line that is just '!' (or a '!' right after the last data set).
    const body = latin1Text(bytes, pushStart, bytes.length);
    const m = /(^|\r?\n|\))!\r?(\n|$)/.exec(body);
    if (!m) return fail('no-end', "no '!' line");
    const trailing = rest(pushStart + m.index + m[0].length);
    if (trailing) return trailing;
    text = body.slice(0, m.index + m[1]!.length);
    if (m[1] === ')') warnings.push("'!' on the same line as the last data set");
    framing = 'push';
  }

  const lines: IecDataSet[][] = [];
  const rawLines = text.split(/\r\n|\n/);
  for (let i = 0; i < rawLines.length; i++) {
    let line = rawLines[i] as string;
    if (line === '') continue;
    if (line === '!') {
      if (rawLines.slice(i + 1).some((l) => l !== '')) return fail('bad-data-set', "data after the '!' line");
      break;
    }
    // '!' right after the last data set, or after noise that follows it on the same line.
    const close = line.lastIndexOf(')');
    const last = line.endsWith('!') && close >= 0 && close < line.length - 1;
    if (last) {
      if (rawLines.slice(i + 1).some((l) => l !== '')) return fail('bad-data-set', "data after the '!'");
      const noise = line.slice(close + 1, -1);
      if (noise !== '') warnings.push(`noise between the last data set and '!' skipped: '${noise.replace(/[\x00-\x1f\x7f-\xff]/g, '.')}'`);
      else if (framing === 'block') warnings.push("'!' on the same line as the last data set");
      line = line.slice(0, close + 1);
    }
    const sets = parseDataLine(line);
    if (sets === undefined) {
      // Noise between data sets (a stray byte run, a line of no brackets at all) is skipped and
      // said; a line that starts a data set and breaks it is an error.
      if (!/[()]/.test(line) && line.length <= 80) {
        warnings.push(`line ${i + 1} is not a data set, skipped: '${line.slice(0, 40).replace(/[\x00-\x1f\x7f-\xff]/g, '.')}'`);
        continue;
      }
      return fail('bad-data-set', `line ${i + 1}: '${line.slice(0, 60)}'`);
    }
    lines.push(sets);
    if (last) break;
  }
  const dataSets = lines.flat();
  const meaning = interpret(dataSets, warnings);
  if ('problem' in meaning) return fail(meaning.problem === 'unit' ? 'bad-unit' : 'bad-value', meaning.detail);
  return ok({ ...(identification ? { identification } : {}), framing, lines, dataSets, ...meaning, bccChecked, ...(warnings.length > 0 ? { warnings } : {}) });
}

const ID_KEYS = ['96.1.0', '0.0.0', '96.1.255'];

function interpret(dataSets: IecDataSet[], warnings: string[]): Pick<IecReadout, 'values' | 'energyByTariffWh' | 'meterId'> | { problem: 'unit' | 'value'; detail: string } {
  const items: ObisNumber[] = [];
  const ids = new Map<string, string>();
  for (const ds of dataSets) {
    const k = obisKey(ds.address);
    if (k === undefined) continue;
    if (ID_KEYS.includes(k.key) && ds.value.trim() !== '' && !ids.has(k.key)) ids.set(k.key, ds.value.trim());
    if (k.medium !== undefined && k.medium !== 1) continue;
    if (ds.unit === '' && isMappedKey(k.key)) warnings.push(`${ds.address}: empty unit, read in the unit meters print for it`);
    items.push({ key: k.key, text: ds.value.trim(), ...(ds.unit !== undefined && ds.unit !== '' ? { unit: ds.unit } : {}) });
  }
  const mapped = mapObisNumbers(items);
  if ('problem' in mapped) {
    return { problem: mapped.problem, detail: `${mapped.key}: '${mapped.value}${mapped.unit ? `*${mapped.unit}` : ''}' does not fit` };
  }
  const meterId = ID_KEYS.map((k) => ids.get(k)).find((v) => v !== undefined);
  return { ...mapped, ...(meterId !== undefined ? { meterId } : {}) };
}

export interface IecReadoutInput {
  identification: Pick<IecIdentification, 'manufacturerId' | 'baudChar' | 'identification' | 'enhancedId'>;
  /** One data set per line unless lines are given. */
  dataSets?: IecDataSet[];
  lines?: IecDataSet[][];
  /** 'block' (STX … ETX BCC, modes A/B/C) unless 'push' (mode D, no BCC). */
  framing?: 'block' | 'push';
}

/** The bytes a meter sends for a readout, identification line included (Latin-1 text). */
export function encodeIecReadout(r: IecReadoutInput): Uint8Array {
  const lines = r.lines ?? (r.dataSets ?? []).map((d) => [d]);
  const data = lines.map((l) => `${l.map(formatDataSet).join('')}\r\n`).join('');
  const head = encodeIdentification(r.identification);
  const body = r.framing === 'push' ? `${head}\r\n${data}!\r\n` : `${head}\x02${data}!\r\n\x03\x00`;
  const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0) & 0xff);
  if (r.framing !== 'push') bytes[bytes.length - 1] = bcc(bytes, head.length + 1, bytes.length - 1);
  return bytes;
}

/** Data sets a typical electricity meter prints for these values (short addresses, kWh/kW). */
export function dataSetsFromValues(values: QuantityValues, meterId?: string): IecDataSet[] {
  const sets: IecDataSet[] = [];
  const num = (v: number, decimals: number, width: number): string => v.toFixed(decimals).padStart(width, '0');
  if (meterId !== undefined) sets.push({ address: 'C.1.0', value: meterId });
  if (values.energyImportWh !== undefined) sets.push({ address: '1.8.0', value: num(values.energyImportWh / 1000, 3, 10), unit: 'kWh' });
  if (values.energyExportWh !== undefined) sets.push({ address: '2.8.0', value: num(values.energyExportWh / 1000, 3, 10), unit: 'kWh' });
  const net = values.powerW ?? (values.powerImportW ?? 0) - (values.powerExportW ?? 0);
  if (values.powerW !== undefined || values.powerImportW !== undefined || values.powerExportW !== undefined) {
    sets.push({ address: '1.7.0', value: num(Math.max(0, net) / 1000, 3, 6), unit: 'kW' });
    sets.push({ address: '2.7.0', value: num(Math.max(0, -net) / 1000, 3, 6), unit: 'kW' });
  }
  for (const p of [1, 2, 3] as const) {
    const v = values[`voltageL${p}V`];
    const a = values[`currentL${p}A`];
    if (v !== undefined) sets.push({ address: `${12 + 20 * p}.7.0`, value: num(v, 1, 5), unit: 'V' });
    if (a !== undefined) sets.push({ address: `${11 + 20 * p}.7.0`, value: num(a, 2, 6), unit: 'A' });
  }
  return sets;
}
