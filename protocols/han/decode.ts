// HAN push → HanFrame: HDLC frame → LLC → (deciphering) → data-notification → list layout →
// normalised quantities and meter clock. Pure: the time zone comes in as an option.
import { fail, ok, type Result } from '../../core/result.js';
import { parseApdu, stripLlc, type DataNotification } from './apdu.js';
import type { HanKeys } from './cipher.js';
import { cosemToUtcMs, formatWallClock, parseCosemDateTime, type CosemDateTime } from './cosem-datetime.js';
import { isTimeZone } from '../../core/time-zone.js';
import { listOf, manufacturerOf, valuesFromItems, type HanErrorKind, type HanFrame, type HanLayout } from './han-frame.js';
import { parseHdlcFrame } from './hdlc.js';
import { decodeAidonBody } from './layouts/aidon.js';
import { decodeKaifaBody } from './layouts/kaifa.js';
import { decodeKamstrupBody } from './layouts/kamstrup.js';
import type { LayoutBody } from './layouts/layout.js';

export interface HanDecodeOptions extends HanKeys {
  /** IANA zone of the meter's wall clock (Europe/Oslo when omitted). */
  timeZone?: string;
  /** Undo 0x7D escapes (only for converters that stuff; real meters do not). */
  byteStuffing?: boolean;
}

export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

/** Decodes one whole HDLC frame, flags included. Never throws on bad bytes. */
export function decodeHanFrame(frame: Uint8Array, options: HanDecodeOptions = {}): Result<HanFrame, HanErrorKind> {
  checkOptions(options);
  const hdlc = parseHdlcFrame(frame, { byteStuffing: options.byteStuffing ?? false });
  if (!hdlc.ok) return hdlc;
  if (hdlc.value.segmented) return fail('segment', 'first segment of a segmented message: feed all segments to createHanReader');
  if (hdlc.value.information.length === 0) return fail('empty', 'frame without an information field');
  return decodeHanInformation(hdlc.value.information, options);
}

/** Decodes an HDLC information field (LLC header first), e.g. reassembled segments or an LLC-only dump. */
export function decodeHanInformation(information: Uint8Array, options: HanDecodeOptions = {}): Result<HanFrame, HanErrorKind> {
  checkOptions(options);
  const apdu = stripLlc(information);
  if (!apdu.ok) return apdu;
  const n = parseApdu(apdu.value, options);
  if (!n.ok) return n;
  return interpret(n.value, options.timeZone ?? DEFAULT_TIME_ZONE);
}

function checkOptions(options: HanDecodeOptions): void {
  // A wrong zone is a configuration error, not bad input: stop loudly.
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) throw new RangeError(`unknown time zone '${options.timeZone}'`);
}

const LAYOUTS: Array<[HanLayout, (body: DataNotification['body']) => LayoutBody | string | undefined]> = [
  ['aidon', decodeAidonBody],
  ['kamstrup', decodeKamstrupBody],
  ['kaifa', decodeKaifaBody],
];

function interpret(n: DataNotification, timeZone: string): Result<HanFrame, HanErrorKind> {
  for (const [layout, decodeBody] of LAYOUTS) {
    const body = decodeBody(n.body);
    if (body === undefined) continue;
    if (typeof body === 'string') return fail('layout', `${layout} list: ${body}`);
    const values = valuesFromItems(body.items);
    const frame: HanFrame = { layout, list: listOf(values), values, items: body.items, invokeId: n.invokeId, encrypted: n.encrypted };
    let clock: CosemDateTime | undefined = body.clock;
    if (!clock && n.dateTime) {
      const dt = parseCosemDateTime(n.dateTime);
      if (dt.ok) clock = dt.value;
    }
    if (clock) {
      frame.meterClock = formatWallClock(clock);
      frame.meterTimeMs = cosemToUtcMs(clock, timeZone, layout === 'kamstrup' ? 'standard' : 'local');
    }
    if (body.meterId !== undefined) frame.meterId = body.meterId;
    if (body.model !== undefined) frame.model = body.model;
    if (body.listVersion !== undefined) frame.listVersion = body.listVersion;
    const manufacturer = manufacturerOf(body.listVersion) ?? (layout === 'aidon' ? undefined : layout === 'kaifa' ? 'Kaifa' : 'Kamstrup');
    if (manufacturer) frame.manufacturer = manufacturer;
    if (n.encrypted) {
      frame.authenticated = n.authenticated ?? false;
      if (n.systemTitle) frame.systemTitle = Buffer.from(n.systemTitle).toString('hex').toUpperCase();
    }
    return ok(frame);
  }
  return fail('layout', `notification body (${n.body.type}${'items' in n.body ? ` of ${n.body.items.length}` : ''}) matches no known list layout`);
}
