// ABB B23 / B24 (EQ meters B series, Modbus RS-485 variants): holding registers only, big-endian
// scaled integers, 64-bit energy counters; unavailable quantities read as all-ones / max-signed.
import { scaled } from './builders.js';
import type { DeviceDefinition } from '../modbus/registers.js';

const u = (n: number) => ({ functionCode: 3 as const, divisor: n });
const NA_U16 = [0xffff];
const NA_I16 = [0x7fff];
const NA_U32 = [0xffffffff];
const NA_I32 = [0x7fffffff];
// 2^64 - 1 reads back as 2^64 in a double.
const NA_U64 = [2 ** 64];

export const abbB23B24: DeviceDefinition = {
  id: 'abb-b23-b24',
  manufacturer: 'ABB',
  model: 'B23 / B24 (Modbus RTU)',
  description: 'Three-phase DIN-rail energy meter, B23 65 A direct, B24 CT-connected, RS-485 Modbus.',
  source: {
    document: 'ABB B23/B24 User Manual, 2CMC485003M0201, chapter 9 "Communication with Modbus" (mapping tables)',
    version: 'Revision A (2013-06-20); checked against the 2021-05-13 edition',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/abb.go (addresses, scalers, not-available patterns)',
      'victronenergy/dbus-modbus-client abb.py (type designation at 0x8960: "B23 " / "B24 ")',
      'ABB A43/A44 User Manual 2CMC48001M0201 rev C §9.4 (same EQ-meter layout): energy accumulators 0x5000–0x5010 at 0.01 kWh/kvarh, and the worked read of 0x5B00… (voltages, currents, powers, 0.01 Hz, PF 0.001)',
    ],
    notes: [
      'Only function 3 reads; up to 125 consecutive registers per request.',
      'Not-available values: unsigned all FF, signed 7F FF… (as mbmd decodes them); gaps in the 0x5B00 block read as FF, not as an exception.',
    ],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 125, forbidden: [] },
  registers: [
    scaled('activeImport', 0x5000, 'u64', 'kWh', 'slow', 'Active import kWh', 'energyImportWh', { ...u(100), notImplemented: NA_U64 }),
    scaled('activeExport', 0x5004, 'u64', 'kWh', 'slow', 'Active export kWh', 'energyExportWh', { ...u(100), notImplemented: NA_U64 }),
    scaled('reactiveImport', 0x500c, 'u64', 'kvarh', 'slow', 'Reactive import kvarh', 'reactiveEnergyImportVarh', { ...u(100), notImplemented: NA_U64 }),
    scaled('reactiveExport', 0x5010, 'u64', 'kvarh', 'slow', 'Reactive export kvarh', 'reactiveEnergyExportVarh', { ...u(100), notImplemented: NA_U64 }),
    scaled('activeImportL1', 0x5460, 'u64', 'kWh', 'slow', 'Active import L1', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('activeImportL2', 0x5464, 'u64', 'kWh', 'slow', 'Active import L2', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('activeImportL3', 0x5468, 'u64', 'kWh', 'slow', 'Active import L3', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('activeExportL1', 0x546c, 'u64', 'kWh', 'slow', 'Active export L1', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('activeExportL2', 0x5470, 'u64', 'kWh', 'slow', 'Active export L2', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('activeExportL3', 0x5474, 'u64', 'kWh', 'slow', 'Active export L3', undefined, { ...u(100), notImplemented: NA_U64 }),
    scaled('voltageL1', 0x5b00, 'u32', 'V', 'fast', 'Voltage L1-N', 'voltageL1V', { ...u(10), notImplemented: NA_U32 }),
    scaled('voltageL2', 0x5b02, 'u32', 'V', 'fast', 'Voltage L2-N', 'voltageL2V', { ...u(10), notImplemented: NA_U32 }),
    scaled('voltageL3', 0x5b04, 'u32', 'V', 'fast', 'Voltage L3-N', 'voltageL3V', { ...u(10), notImplemented: NA_U32 }),
    scaled('currentL1', 0x5b0c, 'u32', 'A', 'fast', 'Current L1', 'currentL1A', { ...u(100), notImplemented: NA_U32 }),
    scaled('currentL2', 0x5b0e, 'u32', 'A', 'fast', 'Current L2', 'currentL2A', { ...u(100), notImplemented: NA_U32 }),
    scaled('currentL3', 0x5b10, 'u32', 'A', 'fast', 'Current L3', 'currentL3A', { ...u(100), notImplemented: NA_U32 }),
    scaled('currentN', 0x5b12, 'u32', 'A', 'slow', 'Current N', 'currentNA', { ...u(100), notImplemented: NA_U32 }),
    scaled('activePower', 0x5b14, 'i32', 'W', 'fast', 'Active power total', 'powerW', { ...u(100), notImplemented: NA_I32 }),
    scaled('activePowerL1', 0x5b16, 'i32', 'W', 'fast', 'Active power L1', 'powerL1W', { ...u(100), notImplemented: NA_I32 }),
    scaled('activePowerL2', 0x5b18, 'i32', 'W', 'fast', 'Active power L2', 'powerL2W', { ...u(100), notImplemented: NA_I32 }),
    scaled('activePowerL3', 0x5b1a, 'i32', 'W', 'fast', 'Active power L3', 'powerL3W', { ...u(100), notImplemented: NA_I32 }),
    scaled('reactivePower', 0x5b1c, 'i32', 'var', 'fast', 'Reactive power total', 'reactivePowerVar', { ...u(100), notImplemented: NA_I32 }),
    scaled('apparentPower', 0x5b24, 'i32', 'VA', 'fast', 'Apparent power total', 'apparentPowerVA', { ...u(100), notImplemented: NA_I32 }),
    scaled('frequency', 0x5b2c, 'u16', 'Hz', 'fast', 'Frequency', 'frequencyHz', { ...u(100), notImplemented: NA_U16 }),
    scaled('powerFactor', 0x5b3a, 'i16', '', 'fast', 'Power factor total', 'powerFactor', { ...u(1000), notImplemented: NA_I16 }),
    scaled('powerFactorL1', 0x5b3b, 'i16', '', 'slow', 'Power factor L1', undefined, { ...u(1000), notImplemented: NA_I16 }),
    scaled('powerFactorL2', 0x5b3c, 'i16', '', 'slow', 'Power factor L2', undefined, { ...u(1000), notImplemented: NA_I16 }),
    scaled('powerFactorL3', 0x5b3d, 'i16', '', 'slow', 'Power factor L3', undefined, { ...u(1000), notImplemented: NA_I16 }),
    { name: 'serialNumber', address: 0x8900, functionCode: 3, type: 'u32', poll: 'identity', description: 'Serial number' },
    { name: 'firmwareVersion', address: 0x8908, functionCode: 3, type: 'string', words: 8, poll: 'identity', description: 'Firmware version' },
    { name: 'typeDesignation', address: 0x8960, functionCode: 3, type: 'u32', poll: 'identity', description: 'First four characters of the type designation ("B23 ", "B24 ")' },
  ],
  identification: [{ register: 'typeDesignation', anyOf: [0x42323320, 0x42323420] }],
};
