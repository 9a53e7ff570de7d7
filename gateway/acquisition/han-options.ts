// What an installer tells the gateway about a HAN meter that its frames do not say: the
// country of the installation (Kamstrup lists count 10 Wh in Norway, 1 Wh elsewhere) and
// per-item scaler overrides (a CT meter sending mA where its list says cA). Checked when the
// config loads, so a bad option stops the gateway with its path instead of reaching the decoder.
import { z } from 'zod';
import type { HanReaderOptions } from '../../protocols/han/index.js';

/** Countries whose meters push DLMS/COSEM lists on a HAN or P1 port (ISO 3166-1 alpha-2). */
export const HAN_COUNTRIES = ['NO', 'SE', 'DK', 'FI', 'IS', 'AT', 'CH', 'DE', 'NL', 'BE', 'LU', 'FR', 'ES', 'PT', 'IT', 'SI', 'HR', 'PL', 'CZ', 'SK', 'HU', 'LT', 'LV', 'EE', 'IE', 'GB'] as const;

// The two forms the decoder matches: C.D.E for any channel, or the full A-B:C.D.E.F one item has.
const SCALER_KEY = /^(?:\d{1,3}\.\d{1,3}\.\d{1,3}|\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export const hanOptionsSchema = z.strictObject({
  /** Country of the installation; no country reads Kamstrup lists the Norwegian way. */
  country: z.enum(HAN_COUNTRIES, { message: `must be one of ${HAN_COUNTRIES.join(', ')} (ISO 3166 country code)` }).optional(),
  /** Decimal scaler per item, replacing the frame's or the layout's: value = raw × 10^scaler. */
  scalers: z
    .record(
      z.string().regex(SCALER_KEY, "must be an OBIS code as C.D.E ('31.7.0') or A-B:C.D.E.F ('1-1:31.7.0.255')"),
      z.number().int('must be a whole power of ten, e.g. -3 for mA').min(-9, 'must be -9..9').max(9, 'must be -9..9'),
    )
    .optional(),
});

export type HanOptions = z.infer<typeof hanOptionsSchema>;

export interface HanDeviceConfig {
  encryptionKey?: string | undefined;
  authenticationKey?: string | undefined;
  han?: HanOptions | undefined;
}

/** The reader options of one HAN device: its keys, its options, and the zone its meter clock runs in. */
export function hanReaderOptions(device: HanDeviceConfig | undefined, timeZone?: string): HanReaderOptions {
  const key = (hex: string | undefined): Uint8Array | undefined => (hex ? Uint8Array.from(Buffer.from(hex, 'hex')) : undefined);
  const options: HanReaderOptions = {};
  const enc = key(device?.encryptionKey);
  const auth = key(device?.authenticationKey);
  if (enc) options.encryptionKey = enc;
  if (auth) options.authenticationKey = auth;
  if (timeZone !== undefined) options.timeZone = timeZone;
  if (device?.han?.country !== undefined) options.country = device.han.country;
  if (device?.han?.scalers !== undefined && Object.keys(device.han.scalers).length > 0) options.scalers = { ...device.han.scalers };
  return options;
}
