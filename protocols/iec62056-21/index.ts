// IEC 62056-21 (modes A–D): readouts, sign-on messages, programming commands, mode C session.
export { decodeIecReadout, encodeIecReadout, dataSetsFromValues, IEC_ERROR_KINDS, DEFAULT_IEC_MAX_BYTES } from './readout.js';
export type { IecReadout, IecErrorKind, IecReadoutInput, IecDecodeOptions } from './readout.js';
export {
  encodeSignOnRequest,
  decodeSignOnRequest,
  decodeIdentification,
  encodeIdentification,
  encodeAckOptionSelect,
  decodeAckOptionSelect,
  encodeCommand,
  decodeCommand,
  encodeDataMessage,
  baudOf,
  baudCharOf,
} from './messages.js';
export type { IecIdentification, IecMode, AckOptionSelect, IecCommand, IecCommandMessage, IecMessageErrorKind } from './messages.js';
export { parseDataLine, formatDataSet, obisKey } from './data-set.js';
export type { IecDataSet } from './data-set.js';
export { bcc } from './bcc.js';
export { createIecSplitter } from './splitter.js';
export type { IecSplitter } from './splitter.js';
export { createModeCSession } from './mode-c-session.js';
export type { ModeCSession, ModeCOptions, IecSessionAction, IecSessionState, IecSessionErrorKind } from './mode-c-session.js';
