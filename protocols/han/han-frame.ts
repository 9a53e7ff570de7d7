// What a decoded HAN push says: the normalised values plus the items as the meter sent them,
// and the closed set of reasons a frame is rejected.
import type { QuantityValues } from '../../core/quantities.js';
import type { DlmsData } from './axdr.js';
import { NET_PAIRS, OBIS_QUANTITIES } from './obis.js';

export type HanErrorKind =
  | 'framing' // no flags, wrong frame type, malformed address
  | 'length' // length field disagrees with the bytes
  | 'hcs'
  | 'fcs'
  | 'segment' // a segment out of order or a segmented frame given alone
  | 'llc' // information field without the E6 E7 00 LLC header
  | 'apdu' // not a data-notification, or its header is cut short
  | 'axdr' // the notification body is not well-formed A-XDR
  | 'layout' // well-formed, but not a list layout we know
  | 'encrypted' // ciphered and no key was given
  | 'decrypt' // ciphered and the key does not fit (tag mismatch, bad security header)
  | 'empty'; // a frame without an information field

export const HAN_ERROR_KINDS: readonly HanErrorKind[] = ['framing', 'length', 'hcs', 'fcs', 'segment', 'llc', 'apdu', 'axdr', 'layout', 'encrypted', 'decrypt', 'empty'];

export type HanLayout = 'aidon' | 'kaifa' | 'kamstrup';
export type HanList = 1 | 2 | 3;

/** One item of the list as the meter sent it. */
export interface HanItem {
  /** OBIS code A-B:C.D.E.F; for Kaifa (no codes in the frame) the code its position stands for. */
  obis?: string;
  role?: 'listVersion' | 'meterId' | 'model' | 'clock' | 'deviceName';
  type: DlmsData['type'];
  /** The number or text as sent (clock: the wall clock, ISO without zone). */
  raw: number | string;
  /** Power of ten applied to `raw` (from the frame, or the vendor's fixed convention). */
  scaler?: number;
  unit?: string;
  /** raw × 10^scaler in `unit`. */
  value?: number;
}

export interface HanFrame {
  /** The list layout: one of the encoders' (aidon, kaifa, kamstrup), 'obis-list', or a positional layout's id. */
  layout: HanLayout | (string & {});
  list: HanList;
  values: QuantityValues;
  /** The meter's clock as UTC epoch ms (body clock item, else the notification header). */
  meterTimeMs?: number;
  /** The meter's clock as it shows it (local wall clock, ISO without zone). */
  meterClock?: string;
  meterId?: string;
  model?: string;
  manufacturer?: string;
  listVersion?: string;
  items: HanItem[];
  invokeId: number;
  encrypted: boolean;
  /** For ciphered frames: whether the GCM tag was checked (needs the authentication key). */
  authenticated?: boolean;
  systemTitle?: string;
  /** What looks wrong in the decoded values (a scaler off by powers of ten), in words. */
  warnings?: string[];
}

export function scale(raw: number, scaler: number): number {
  return scaler < 0 ? raw / 10 ** -scaler : raw * 10 ** scaler;
}

const cdeMemo = new Map<string, string>();

/** 'A-B:C.D.E.F' → 'C.D.E' (memoised: the same few dozen codes come in every frame). */
function cdeOfCode(code: string): string {
  let c = cdeMemo.get(code);
  if (c === undefined) {
    c = code.split(':')[1]?.split('.').slice(0, 3).join('.') ?? code;
    if (cdeMemo.size < 4096) cdeMemo.set(code, c);
  }
  return c;
}

/** Quantities from numeric items; nets (import − export) where both directions are present. */
export function valuesFromItems(items: HanItem[]): QuantityValues {
  const values: QuantityValues = {};
  const byCde = new Map<string, number>();
  for (const it of items) {
    if (it.obis === undefined || it.value === undefined) continue;
    const c = cdeOfCode(it.obis);
    byCde.set(c, it.value);
    const q = OBIS_QUANTITIES[c];
    if (q && q.unit === (it.unit ?? '')) values[q.quantity] = it.value;
  }
  for (const pair of NET_PAIRS) {
    const imp = byCde.get(pair.importCde);
    const exp = byCde.get(pair.exportCde);
    if (imp !== undefined && exp !== undefined) values[pair.quantity] = imp - exp;
  }
  return values;
}

/** List number by content: energy registers → 3, currents or voltages → 2, else 1. */
export function listOf(values: QuantityValues): HanList {
  if (values.energyImportWh !== undefined || values.energyExportWh !== undefined) return 3;
  if (values.voltageL1V !== undefined || values.currentL1A !== undefined) return 2;
  return 1;
}

export function manufacturerOf(listVersion: string | undefined): string | undefined {
  if (!listVersion) return undefined;
  if (/^AIDON/i.test(listVersion)) return 'Aidon';
  if (/^KFM/i.test(listVersion)) return 'Kaifa';
  if (/^Kamstrup/i.test(listVersion)) return 'Kamstrup';
  return undefined;
}

/** DLMS manufacturer flag ids (the first three letters of a system title or device name). */
const FLAG_IDS: Record<string, string> = {
  AID: 'Aidon', KFM: 'Kaifa', KAM: 'Kamstrup', ISK: 'Iskraemeco', LGZ: 'Landis+Gyr', SAG: 'Sagemcom', GAV: 'Elgama', EGM: 'Elgama', SMS: 'Sagemcom',
};

export function manufacturerOfFlag(text: string | undefined): string | undefined {
  return text === undefined ? undefined : FLAG_IDS[text.slice(0, 3).toUpperCase()];
}
