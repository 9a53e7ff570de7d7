// DSMR P1 (NL 2.2–5.0, BE e-MUCS, and the Nordic/Irish P1 variants): decoder, stream splitter, encoder.
export { decodeP1Telegram, P1_ERROR_KINDS, DEFAULT_P1_MAX_BYTES } from './telegram.js';
export type { P1Telegram, P1ErrorKind, P1DecodeOptions } from './telegram.js';
export type { P1Version, P1MbusReading, P1PowerFailure } from './interpret.js';
export type { P1Object, P1Value } from './objects.js';
export { createP1Splitter } from './splitter.js';
export type { P1Splitter, P1SplitterOptions } from './splitter.js';
export { encodeP1Telegram } from './encoder.js';
export type { P1EncodeInput, P1EncodeVersion } from './encoder.js';
export { parseDsmrTimestamp, formatDsmrTimestamp } from './local-time.js';
export { decodeP1Ciphered } from './ciphered.js';
export type { P1CipheredTelegram, P1CipheredErrorKind } from './ciphered.js';
