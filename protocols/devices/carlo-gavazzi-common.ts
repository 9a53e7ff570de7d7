// The instantaneous block both Carlo Gavazzi tables here share (EM24-DIN and EM340 protocol
// documents, addresses 0x00-0x2C): INT32 values, low word first, at the same addresses and scales.
import type { RegisterDefaults, RegisterSpec } from './define.js';

/** Function 4, INT32 low word first (each word big-endian), as both protocol documents say. */
export const carloGavazziDefaults: RegisterDefaults = { functionCode: 4, type: 'i32', wordOrder: 'low-first' };

/** Phase and system voltages, currents and powers, 0x00-0x2C. */
export const carloGavazziInstantaneous: readonly RegisterSpec[] = [
  { name: 'voltageL1', address: 0x0, divisor: 10, unit: 'V', quantity: 'voltageL1V', description: 'V L1-N' },
  { name: 'voltageL2', address: 0x2, divisor: 10, unit: 'V', quantity: 'voltageL2V', description: 'V L2-N' },
  { name: 'voltageL3', address: 0x4, divisor: 10, unit: 'V', quantity: 'voltageL3V', description: 'V L3-N' },
  { name: 'voltageL1L2', address: 0x6, divisor: 10, unit: 'V', description: 'V L1-L2' },
  { name: 'voltageL2L3', address: 0x8, divisor: 10, unit: 'V', description: 'V L2-L3' },
  { name: 'voltageL3L1', address: 0xa, divisor: 10, unit: 'V', description: 'V L3-L1' },
  { name: 'currentL1', address: 0xc, divisor: 1000, unit: 'A', quantity: 'currentL1A', description: 'A L1' },
  { name: 'currentL2', address: 0xe, divisor: 1000, unit: 'A', quantity: 'currentL2A', description: 'A L2' },
  { name: 'currentL3', address: 0x10, divisor: 1000, unit: 'A', quantity: 'currentL3A', description: 'A L3' },
  { name: 'powerL1', address: 0x12, divisor: 10, unit: 'W', quantity: 'powerL1W', description: 'W L1' },
  { name: 'powerL2', address: 0x14, divisor: 10, unit: 'W', quantity: 'powerL2W', description: 'W L2' },
  { name: 'powerL3', address: 0x16, divisor: 10, unit: 'W', quantity: 'powerL3W', description: 'W L3' },
  { name: 'apparentPowerL1', address: 0x18, divisor: 10, unit: 'VA', description: 'VA L1' },
  { name: 'apparentPowerL2', address: 0x1a, divisor: 10, unit: 'VA', description: 'VA L2' },
  { name: 'apparentPowerL3', address: 0x1c, divisor: 10, unit: 'VA', description: 'VA L3' },
  { name: 'reactivePowerL1', address: 0x1e, divisor: 10, unit: 'var', quantity: 'reactivePowerL1Var', description: 'var L1' },
  { name: 'reactivePowerL2', address: 0x20, divisor: 10, unit: 'var', quantity: 'reactivePowerL2Var', description: 'var L2' },
  { name: 'reactivePowerL3', address: 0x22, divisor: 10, unit: 'var', quantity: 'reactivePowerL3Var', description: 'var L3' },
  { name: 'voltageLnSystem', address: 0x24, divisor: 10, unit: 'V', description: 'V L-N system' },
  { name: 'voltageLlSystem', address: 0x26, divisor: 10, unit: 'V', description: 'V L-L system' },
  { name: 'power', address: 0x28, divisor: 10, unit: 'W', quantity: 'powerW', description: 'W system' },
  { name: 'apparentPower', address: 0x2a, divisor: 10, unit: 'VA', quantity: 'apparentPowerVA', description: 'VA system' },
  { name: 'reactivePower', address: 0x2c, divisor: 10, unit: 'var', quantity: 'reactivePowerVar', description: 'var system' },
];
