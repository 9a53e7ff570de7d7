// The frames a real meter of each layout sends, for the device simulator: same HDLC addresses,
// invoke id, header date-time habit, list shape and resolution as the captures.
import { encodeDataNotification } from './apdu.js';
import { encryptGlo } from './cipher.js';
import { encodeCosemDateTime, utcToWallClockMs } from './cosem-datetime.js';
import { isTimeZone } from '../../core/time-zone.js';
import type { HanLayout } from './han-frame.js';
import { encodeHdlcFrame } from './hdlc.js';
import { encodeAidonBody } from './layouts/aidon.js';
import { encodeKaifaBody } from './layouts/kaifa.js';
import { encodeKamstrupBody } from './layouts/kamstrup.js';
import type { HanEncodeInput } from './layouts/layout.js';

export interface HanEncodeOptions extends HanEncodeInput {
  layout: HanLayout;
  /** Cipher the notification (general-glo-ciphering, SC 0x30) as encrypted HAN meters do. */
  encryption?: { encryptionKey: Uint8Array; authenticationKey: Uint8Array; systemTitle: Uint8Array; frameCounter: number };
}

const HDLC_ADDRESSES: Record<HanLayout, { destination: number; source: number; control: number; invokeId: number }> = {
  aidon: { destination: 0x41, source: 0x0883, control: 0x13, invokeId: 0x40000000 },
  kaifa: { destination: 0x01, source: 0x0201, control: 0x10, invokeId: 0x40000000 },
  kamstrup: { destination: 0x2b, source: 0x21, control: 0x13, invokeId: 0x00000000 },
};

/**
 * The complete HDLC frame (flags included). Throws RangeError on a programming error: an
 * unknown zone, a list the layout does not have (Kamstrup list 1), a frame over 2047 bytes.
 */
export function encodeHanFrame(options: HanEncodeOptions): Uint8Array {
  const timeZone = options.timeZone ?? 'Europe/Oslo';
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
  const input = { ...options, timeZone };
  const hdlc = HDLC_ADDRESSES[options.layout];
  let dateTime: Uint8Array | undefined;
  let body;
  switch (options.layout) {
    case 'aidon':
      body = encodeAidonBody(input);
      break;
    case 'kaifa':
      // Kaifa: local wall clock with DST, deviation not specified, in the header of every list.
      dateTime = encodeCosemDateTime(utcToWallClockMs(options.meterTimeMs, timeZone, 'local'), 0x00);
      body = encodeKaifaBody(input, dateTime);
      break;
    case 'kamstrup':
      // Kamstrup: local standard time all year (conformance README).
      dateTime = encodeCosemDateTime(utcToWallClockMs(options.meterTimeMs, timeZone, 'standard'), 0x00);
      body = encodeKamstrupBody(input, dateTime);
      break;
  }
  let information = encodeDataNotification({ invokeId: hdlc.invokeId, dateTime, taggedDateTime: options.layout === 'kaifa', body });
  if (options.encryption) {
    const e = options.encryption;
    const apdu = encryptGlo({ ...e, plaintext: information.subarray(3), securityControl: 0x30 });
    information = Uint8Array.from([...information.subarray(0, 3), ...apdu]);
  }
  return encodeHdlcFrame({ destination: hdlc.destination, source: hdlc.source, control: hdlc.control, information });
}
