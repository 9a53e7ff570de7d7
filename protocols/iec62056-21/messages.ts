// The short messages of an IEC 62056-21 exchange: sign-on request `/?address!`, the meter's
// identification `/XXXZ\W ident`, acknowledgement/option select `ACK V Z Y`, and the
// programming-mode commands `SOH C D STX data ETX BCC` (R1 read, W2 write, P0 password, B0 break).
import { fail, ok, type Result } from '../../core/result.js';
import { bcc } from './bcc.js';
import { formatDataSet, parseDataLine, type IecDataSet } from './data-set.js';

export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;

export type IecMessageErrorKind = 'bad-request' | 'bad-identification' | 'bad-ack' | 'bad-command' | 'no-bcc' | 'bcc-mismatch';

export type IecMode = 'A' | 'B' | 'C';

export interface IecIdentification {
  /** Three-letter FLAG id ('LGZ', 'HAG', 'Els'). */
  manufacturerId: string;
  /** The baud rate character as sent. */
  baudChar: string;
  /** Mode the character implies: digits mode C, 'A'–'I' mode B, anything else mode A. */
  mode: IecMode;
  /** Highest baud rate the meter offers (300 in mode A). */
  maxBaud: number;
  /** The W of an enhanced identification `\W` (e.g. '2': HDLC mode E available), if sent. */
  enhancedId?: string;
  identification: string;
}

const BAUD_C = [300, 600, 1200, 2400, 4800, 9600, 19200];
const BAUD_B = 'ABCDEF';

export function baudOf(baudChar: string): { mode: IecMode; baud: number } {
  const digit = '0123456'.indexOf(baudChar);
  if (digit >= 0 && baudChar.length === 1) return { mode: 'C', baud: BAUD_C[digit] as number };
  const b = BAUD_B.indexOf(baudChar);
  if (b >= 0 && baudChar.length === 1) return { mode: 'B', baud: BAUD_C[b + 1] as number };
  return { mode: 'A', baud: 300 };
}

/** Mode C baud rate character for a baud rate ('5' for 9600), or undefined when it has none. */
export function baudCharOf(baud: number): string | undefined {
  const i = BAUD_C.indexOf(baud);
  return i < 0 ? undefined : String(i);
}

const text = (bytes: string | Uint8Array): string => (typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1'));
const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export function encodeSignOnRequest(deviceAddress?: string): string {
  return `/?${deviceAddress ?? ''}!\r\n`;
}

export function decodeSignOnRequest(input: string | Uint8Array): Result<{ deviceAddress?: string }, IecMessageErrorKind> {
  const m = /^\/\?([0-9A-Za-z ]{0,32})!\r\n$/.exec(text(input));
  if (!m) return fail('bad-request', "not '/?' address '!' CR LF");
  return ok(m[1] ? { deviceAddress: m[1] } : {});
}

/** Parses the identification line (with or without its CR LF). */
export function decodeIdentification(input: string | Uint8Array): Result<IecIdentification, IecMessageErrorKind> {
  const line = text(input).replace(/\r?\n$/, '').replace(/\r$/, '');
  // Some meters send a space where the baud rate character belongs: read as mode A.
  const m = /^\/([A-Za-z]{3})([\x20-\x7e])(?:\\([\x21-\x7e]))?([\x20-\x7e]{0,32})$/.exec(line);
  if (!m) return fail('bad-identification', `'${line.slice(0, 40)}' is not '/XXXZ' + identification`);
  const baudChar = m[2] as string;
  const { mode, baud } = baudOf(baudChar);
  return ok({
    manufacturerId: m[1] as string,
    baudChar,
    mode,
    maxBaud: baud,
    ...(m[3] !== undefined ? { enhancedId: m[3] } : {}),
    identification: m[4] as string,
  });
}

export function encodeIdentification(id: Pick<IecIdentification, 'manufacturerId' | 'baudChar' | 'identification' | 'enhancedId'>): string {
  return `/${id.manufacturerId}${id.baudChar}${id.enhancedId !== undefined ? `\\${id.enhancedId}` : ''}${id.identification}\r\n`;
}

export interface AckOptionSelect {
  /** V: '0' normal protocol, '1' secondary, '2' HDLC. */
  protocolChar: string;
  /** Z: the baud rate character to switch to. */
  baudChar: string;
  /** Y: '0' data readout, '1' programming mode, '2' binary mode (HDLC). */
  modeChar: string;
}

export function encodeAckOptionSelect(a: AckOptionSelect): string {
  return `\x06${a.protocolChar}${a.baudChar}${a.modeChar}\r\n`;
}

export function decodeAckOptionSelect(input: string | Uint8Array): Result<AckOptionSelect, IecMessageErrorKind> {
  const m = /^\x06([0-9])([0-9A-Z])([0-9])\r\n$/.exec(text(input));
  if (!m) return fail('bad-ack', "not ACK V Z Y CR LF");
  return ok({ protocolChar: m[1] as string, baudChar: m[2] as string, modeChar: m[3] as string });
}

export type IecCommand = 'P' | 'W' | 'R' | 'E' | 'B';

export interface IecCommandMessage {
  command: IecCommand;
  /** Command type digit: R1 read ASCII, W2 write formatted, P0 operand in data set, B0 complete sign-off, … */
  commandType: number;
  dataSet?: IecDataSet;
}

/** `SOH C D [STX data set] ETX BCC`, BCC over everything after SOH. */
export function encodeCommand(m: IecCommandMessage): Uint8Array {
  if (!/^[PWREB]$/.test(m.command) || !Number.isInteger(m.commandType) || m.commandType < 0 || m.commandType > 9) {
    throw new Error(`invalid IEC 62056-21 command ${m.command}${m.commandType}`);
  }
  const body = `${m.command}${m.commandType}${m.dataSet !== undefined ? `\x02${formatDataSet(m.dataSet)}` : ''}\x03`;
  const bytes = bytesOf(`\x01${body}\x00`);
  bytes[bytes.length - 1] = bcc(bytes, 1, bytes.length - 1);
  return bytes;
}

export function decodeCommand(input: string | Uint8Array): Result<IecCommandMessage, IecMessageErrorKind> {
  const bytes = typeof input === 'string' ? bytesOf(input) : input;
  if (bytes[0] !== SOH) return fail('bad-command', 'does not start with SOH');
  const etx = bytes.indexOf(ETX);
  if (etx < 0) return fail('bad-command', 'no ETX');
  if (etx + 1 >= bytes.length) return fail('no-bcc', 'nothing after ETX');
  if (etx + 2 !== bytes.length) return fail('bad-command', 'bytes after the BCC');
  if (bcc(bytes, 1, etx + 1) !== bytes[etx + 1]) return fail('bcc-mismatch', 'BCC does not match');
  const body = text(bytes.subarray(1, etx));
  const m = /^([PWREB])([0-9])(?:\x02(.*))?$/s.exec(body);
  if (!m) return fail('bad-command', `'${body.slice(0, 20)}' is not a command`);
  const out: IecCommandMessage = { command: m[1] as IecCommand, commandType: Number(m[2]) };
  if (m[3] !== undefined) {
    const sets = parseDataLine(m[3]);
    if (sets === undefined || sets.length !== 1) return fail('bad-command', 'the data part is not one data set');
    out.dataSet = sets[0] as IecDataSet;
  }
  return ok(out);
}

/**
 * A data message: `STX lines ETX BCC`, each line its data sets then CR LF, and for a readout
 * the end line '!' CR LF before ETX.
 */
export function encodeDataMessage(lines: IecDataSet[][], options: { readout: boolean }): Uint8Array {
  const body = lines.map((l) => `${l.map(formatDataSet).join('')}\r\n`).join('') + (options.readout ? '!\r\n' : '');
  const bytes = bytesOf(`\x02${body}\x03\x00`);
  bytes[bytes.length - 1] = bcc(bytes, 1, bytes.length - 1);
  return bytes;
}
