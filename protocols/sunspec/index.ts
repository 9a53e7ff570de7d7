// SunSpec over Modbus: model tables, discovery, decoding, normalisation, storage writes and
// the image builder for the simulator. Pure code, no I/O.
export * from './types.js';
export * from './models/index.js';
export { readRaw, readString, applyScale, encodeRaw, bitNames, NOT_IMPLEMENTED, SF_MIN, SF_MAX } from './values.js';
export * from './decode-model.js';
export * from './discovery.js';
export * from './normalise.js';
export * from './read-device.js';
export * from './image.js';
export * from './writes.js';
export * from './dump.js';
export * from './curves.js';
