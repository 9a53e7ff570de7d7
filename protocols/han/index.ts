// Norwegian/Nordic HAN port (AMS meters): HDLC + DLMS/COSEM push frames, decoders and the
// encoders the simulator uses. Written here because no maintained JS library decodes these
// lists (Aidon, Kaifa, Kamstrup) with strict bounds checks.
export { decodeHanFrame, decodeHanInformation, DEFAULT_TIME_ZONE, type HanDecodeOptions } from './decode.js';
export { encodeHanFrame, type HanEncodeOptions } from './encode.js';
export { createHanSplitter, type HanSplitter, type HanSplitterOptions, type HanRejection } from './splitter.js';
export { createHanReader, type HanReader, type HanReaderOptions, type HanReadout } from './reader.js';
export { HAN_ERROR_KINDS, type HanErrorKind, type HanFrame, type HanItem, type HanLayout, type HanList } from './han-frame.js';
export { encryptGlo, decryptGlo, parseGeneralGloCiphering, type HanKeys, type GloEncryptInput } from './cipher.js';
export { parseHdlcFrame, encodeHdlcFrame, type HdlcFrame } from './hdlc.js';
export { encodeDataNotification } from './apdu.js';
export type { HanEncodeInput } from './layouts/layout.js';
