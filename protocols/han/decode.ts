// HAN push → HanFrame: HDLC frame → LLC → (deciphering) → data-notification → list layout →
// normalised quantities and meter clock. Pure: the time zone comes in as an option.
import { fail, ok, type Result } from '../../core/result.js';
import { GENERAL_BLOCK_TRANSFER, parseApdu, parseGeneralBlock, stripLlc, type DataNotification } from './apdu.js';
import type { HanKeys } from './cipher.js';
import { cosemToUtcMs, formatWallClock, parseCosemDateTime, type CosemDateTime } from './cosem-datetime.js';
import { isTimeZone } from '../../core/time-zone.js';
import { listOf, manufacturerOf, manufacturerOfFlag, scale, valuesFromItems, type HanErrorKind, type HanFrame, type HanItem } from './han-frame.js';
import { parseHdlcFrame } from './hdlc.js';
import { decodeAidonBody } from './layouts/aidon.js';
import { decodeKaifaBody } from './layouts/kaifa.js';
import { decodeKamstrupBody } from './layouts/kamstrup.js';
import { impliedUnit, obisBytes, type LayoutBody, type LayoutContext } from './layouts/layout.js';
import { decodeObisListBody, dumpValue } from './layouts/obis-list.js';
import { decodePositionalBody } from './layouts/positional.js';
import { plausibilityWarnings } from './plausibility.js';

export interface HanDecodeOptions extends HanKeys {
  /** IANA zone of the meter's wall clock (Europe/Oslo when omitted). */
  timeZone?: string;
  /** Undo 0x7D escapes (only for converters that stuff; real meters do not). */
  byteStuffing?: boolean;
  /** Country of the installation, for lists whose scaling differs by country (Kamstrup: NO 10 Wh per count, else 1 Wh). */
  country?: string;
  /**
   * Per-device scaler overrides by C.D.E ('31.7.0') or full code ('1-1:31.7.0.255'): a CT meter
   * sending mA where its list says cA. Replaces the frame's or the layout's scaler.
   */
  scalers?: Record<string, number>;
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
  if (information[0] === GENERAL_BLOCK_TRANSFER) return fail('segment', 'a general-block-transfer block without the LLC header continues a push: feed all blocks to createHanReader');
  const apdu = stripLlc(information);
  if (!apdu.ok) return apdu;
  let body = apdu.value;
  if (body[0] === GENERAL_BLOCK_TRANSFER) {
    const block = parseGeneralBlock(body);
    if (!block.ok) return block;
    if (!block.value.last || block.value.blockNumber !== 1) return fail('segment', `block ${block.value.blockNumber} of a general-block-transfer: feed all blocks to createHanReader`);
    body = block.value.data;
  }
  const n = parseApdu(body, options);
  if (!n.ok) return n;
  return interpret(n.value, options);
}

function checkOptions(options: HanDecodeOptions): void {
  // A wrong zone is a configuration error, not bad input: stop loudly.
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) throw new RangeError(`unknown time zone '${options.timeZone}'`);
  for (const [code, s] of Object.entries(options.scalers ?? {})) {
    if (!Number.isInteger(s) || s < -9 || s > 9) throw new RangeError(`scaler override ${code}: ${s} is not an integer in -9..9`);
  }
}

type BodyDecoder = (body: DataNotification['body'], ctx: LayoutContext) => LayoutBody | string | undefined;

// Most specific first: the three Norwegian lists, then any list naming its values by OBIS code,
// then positional lists chosen by the list id or device name they carry.
const LAYOUTS: Array<[string, BodyDecoder]> = [
  ['aidon', decodeAidonBody],
  ['kamstrup', decodeKamstrupBody],
  ['kaifa', decodeKaifaBody],
  ['obis-list', decodeObisListBody],
  ['positional', decodePositionalBody],
];

const FALLBACK_MANUFACTURER: Record<string, string> = { kaifa: 'Kaifa', kamstrup: 'Kamstrup' };

function interpret(n: DataNotification, options: HanDecodeOptions): Result<HanFrame, HanErrorKind> {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const ctx: LayoutContext = options.country === undefined ? {} : { country: options.country };
  for (const [name, decodeBody] of LAYOUTS) {
    const body = decodeBody(n.body, ctx);
    if (body === undefined) continue;
    if (typeof body === 'string') return fail('layout', `${name} list: ${body}`);
    const layout = body.layout ?? name;
    if (options.scalers) applyOverrides(body.items, options.scalers);
    const values = valuesFromItems(body.items);
    const frame: HanFrame = { layout, list: listOf(values), values, items: body.items, invokeId: n.invokeId, encrypted: n.encrypted };
    let clock: CosemDateTime | undefined = body.clock;
    if (!clock && n.dateTime) {
      const dt = parseCosemDateTime(n.dateTime);
      if (dt.ok) clock = dt.value;
    }
    if (clock) {
      frame.meterClock = formatWallClock(clock);
      frame.meterTimeMs = cosemToUtcMs(clock, timeZone, layout === 'kamstrup' || body.clockMode === 'standard' ? 'standard' : 'local');
    }
    if (body.meterId !== undefined) frame.meterId = body.meterId;
    if (body.model !== undefined) frame.model = body.model;
    if (body.listVersion !== undefined) frame.listVersion = body.listVersion;
    // The COSEM logical device name (0-0:42.0.0) starts with the maker's flag id.
    const deviceName = body.items.find((i) => i.role === 'deviceName' || (i.obis !== undefined && i.obis.startsWith('0-0:42.0.0')))?.raw;
    const manufacturer =
      manufacturerOf(body.listVersion) ?? body.manufacturer ?? FALLBACK_MANUFACTURER[layout] ??
      manufacturerOfFlag(typeof deviceName === 'string' ? deviceName : undefined) ??
      (n.systemTitle ? manufacturerOfFlag(String.fromCharCode(...n.systemTitle.subarray(0, 3))) : undefined);
    if (manufacturer) frame.manufacturer = manufacturer;
    if (n.encrypted) {
      frame.authenticated = n.authenticated ?? false;
      if (n.systemTitle) frame.systemTitle = Buffer.from(n.systemTitle).toString('hex').toUpperCase();
    }
    const warnings = [...(body.warnings ?? []), ...plausibilityWarnings(values, body.items)];
    if (warnings.length > 0) frame.warnings = warnings;
    return ok(frame);
  }
  return fail('layout', `unknown list layout, not decoded: ${describeBody(n.body)}`);
}

/** The body's items, position by position, for a person to work out an unknown layout. */
function describeBody(body: DataNotification['body']): string {
  if (body.type !== 'array' && body.type !== 'structure') return `a single ${body.type} ${dumpValue(body)}`;
  const shown = body.items.slice(0, 40).map((d, i) => `[${i}] ${d.type} ${dumpValue(d)}`);
  return `${body.type} of ${body.items.length} items: ${shown.join('; ')}${body.items.length > 40 ? '; …' : ''}`;
}

function applyOverrides(items: HanItem[], scalers: Record<string, number>): void {
  for (const it of items) {
    if (it.obis === undefined || typeof it.raw !== 'number') continue;
    const code = it.obis;
    const cde = code.split(':')[1]?.split('.').slice(0, 3).join('.') ?? code;
    const s = scalers[code] ?? scalers[cde];
    if (s === undefined) continue;
    it.scaler = s;
    it.value = scale(it.raw, s);
    it.unit ??= impliedUnit(obisBytes(code));
  }
}
