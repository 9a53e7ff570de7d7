// The instantaneous block both Carlo Gavazzi tables here share (EM24-DIN and EM340 protocol
// documents, addresses 0x00-0x2C): INT32 values, low word first, at the same addresses and scales.
import { scaled } from './builders.js';
import type { RegisterDef } from '../modbus/registers.js';

export const i32LowFirst = { wordOrder: 'low-first' as const };
const i32 = i32LowFirst;

/** Phase and system voltages, currents and powers, 0x00-0x2C. */
export const carloGavazziInstantaneous: readonly RegisterDef[] = [
  scaled('voltageL1', 0x00, 'i32', 'V', 'fast', 'V L1-N', 'voltageL1V', { ...i32, divisor: 10 }),
  scaled('voltageL2', 0x02, 'i32', 'V', 'fast', 'V L2-N', 'voltageL2V', { ...i32, divisor: 10 }),
  scaled('voltageL3', 0x04, 'i32', 'V', 'fast', 'V L3-N', 'voltageL3V', { ...i32, divisor: 10 }),
  scaled('voltageL1L2', 0x06, 'i32', 'V', 'slow', 'V L1-L2', undefined, { ...i32, divisor: 10 }),
  scaled('voltageL2L3', 0x08, 'i32', 'V', 'slow', 'V L2-L3', undefined, { ...i32, divisor: 10 }),
  scaled('voltageL3L1', 0x0a, 'i32', 'V', 'slow', 'V L3-L1', undefined, { ...i32, divisor: 10 }),
  scaled('currentL1', 0x0c, 'i32', 'A', 'fast', 'A L1', 'currentL1A', { ...i32, divisor: 1000 }),
  scaled('currentL2', 0x0e, 'i32', 'A', 'fast', 'A L2', 'currentL2A', { ...i32, divisor: 1000 }),
  scaled('currentL3', 0x10, 'i32', 'A', 'fast', 'A L3', 'currentL3A', { ...i32, divisor: 1000 }),
  scaled('powerL1', 0x12, 'i32', 'W', 'fast', 'W L1', 'powerL1W', { ...i32, divisor: 10 }),
  scaled('powerL2', 0x14, 'i32', 'W', 'fast', 'W L2', 'powerL2W', { ...i32, divisor: 10 }),
  scaled('powerL3', 0x16, 'i32', 'W', 'fast', 'W L3', 'powerL3W', { ...i32, divisor: 10 }),
  scaled('apparentPowerL1', 0x18, 'i32', 'VA', 'slow', 'VA L1', undefined, { ...i32, divisor: 10 }),
  scaled('apparentPowerL2', 0x1a, 'i32', 'VA', 'slow', 'VA L2', undefined, { ...i32, divisor: 10 }),
  scaled('apparentPowerL3', 0x1c, 'i32', 'VA', 'slow', 'VA L3', undefined, { ...i32, divisor: 10 }),
  scaled('reactivePowerL1', 0x1e, 'i32', 'var', 'fast', 'var L1', 'reactivePowerL1Var', { ...i32, divisor: 10 }),
  scaled('reactivePowerL2', 0x20, 'i32', 'var', 'fast', 'var L2', 'reactivePowerL2Var', { ...i32, divisor: 10 }),
  scaled('reactivePowerL3', 0x22, 'i32', 'var', 'fast', 'var L3', 'reactivePowerL3Var', { ...i32, divisor: 10 }),
  scaled('voltageLnSystem', 0x24, 'i32', 'V', 'slow', 'V L-N system', undefined, { ...i32, divisor: 10 }),
  scaled('voltageLlSystem', 0x26, 'i32', 'V', 'slow', 'V L-L system', undefined, { ...i32, divisor: 10 }),
  scaled('power', 0x28, 'i32', 'W', 'fast', 'W system', 'powerW', { ...i32, divisor: 10 }),
  scaled('apparentPower', 0x2a, 'i32', 'VA', 'fast', 'VA system', 'apparentPowerVA', { ...i32, divisor: 10 }),
  scaled('reactivePower', 0x2c, 'i32', 'var', 'fast', 'var system', 'reactivePowerVar', { ...i32, divisor: 10 }),
];
