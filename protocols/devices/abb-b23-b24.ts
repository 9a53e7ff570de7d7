// ABB B23 / B24 (EQ meters B series, Modbus RS-485 variants): holding registers only, big-endian
// scaled integers, 64-bit energy counters; unavailable quantities read as all-ones / max-signed.
import { defineDevice } from './define.js';

// 2^64 - 1 reads back as 2^64 in a double.
const NA_U64 = 2 ** 64;

export const abbB23B24 = defineDevice({
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
  defaults: {
    functionCode: 3,
    type: 'u32',
    notImplemented: { u16: [0xffff], i16: [0x7fff], u32: [0xffffffff], i32: [0x7fffffff], u64: [NA_U64] },
  },
  registers: [
    { name: 'activeImport', address: 0x5000, type: 'u64', divisor: 100, unit: 'kWh', quantity: 'energyImportWh', description: 'Active import kWh' },
    { name: 'activeExport', address: 0x5004, type: 'u64', divisor: 100, unit: 'kWh', quantity: 'energyExportWh', description: 'Active export kWh' },
    { name: 'reactiveImport', address: 0x500c, type: 'u64', divisor: 100, unit: 'kvarh', quantity: 'reactiveEnergyImportVarh', description: 'Reactive import kvarh' },
    { name: 'reactiveExport', address: 0x5010, type: 'u64', divisor: 100, unit: 'kvarh', quantity: 'reactiveEnergyExportVarh', description: 'Reactive export kvarh' },
    { name: 'activeImportL1', address: 0x5460, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active import L1' },
    { name: 'activeImportL2', address: 0x5464, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active import L2' },
    { name: 'activeImportL3', address: 0x5468, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active import L3' },
    { name: 'activeExportL1', address: 0x546c, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active export L1' },
    { name: 'activeExportL2', address: 0x5470, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active export L2' },
    { name: 'activeExportL3', address: 0x5474, type: 'u64', divisor: 100, unit: 'kWh', description: 'Active export L3' },
    { name: 'voltageL1', address: 0x5b00, divisor: 10, unit: 'V', quantity: 'voltageL1V', description: 'Voltage L1-N' },
    { name: 'voltageL2', address: 0x5b02, divisor: 10, unit: 'V', quantity: 'voltageL2V', description: 'Voltage L2-N' },
    { name: 'voltageL3', address: 0x5b04, divisor: 10, unit: 'V', quantity: 'voltageL3V', description: 'Voltage L3-N' },
    { name: 'currentL1', address: 0x5b0c, divisor: 100, unit: 'A', quantity: 'currentL1A', description: 'Current L1' },
    { name: 'currentL2', address: 0x5b0e, divisor: 100, unit: 'A', quantity: 'currentL2A', description: 'Current L2' },
    { name: 'currentL3', address: 0x5b10, divisor: 100, unit: 'A', quantity: 'currentL3A', description: 'Current L3' },
    { name: 'currentN', address: 0x5b12, divisor: 100, unit: 'A', quantity: 'currentNA', poll: 'slow', description: 'Current N' },
    { name: 'activePower', address: 0x5b14, type: 'i32', divisor: 100, unit: 'W', quantity: 'powerW', description: 'Active power total' },
    { name: 'activePowerL1', address: 0x5b16, type: 'i32', divisor: 100, unit: 'W', quantity: 'powerL1W', description: 'Active power L1' },
    { name: 'activePowerL2', address: 0x5b18, type: 'i32', divisor: 100, unit: 'W', quantity: 'powerL2W', description: 'Active power L2' },
    { name: 'activePowerL3', address: 0x5b1a, type: 'i32', divisor: 100, unit: 'W', quantity: 'powerL3W', description: 'Active power L3' },
    { name: 'reactivePower', address: 0x5b1c, type: 'i32', divisor: 100, unit: 'var', quantity: 'reactivePowerVar', description: 'Reactive power total' },
    { name: 'apparentPower', address: 0x5b24, type: 'i32', divisor: 100, unit: 'VA', quantity: 'apparentPowerVA', description: 'Apparent power total' },
    { name: 'frequency', address: 0x5b2c, type: 'u16', divisor: 100, unit: 'Hz', quantity: 'frequencyHz', description: 'Frequency' },
    { name: 'powerFactor', address: 0x5b3a, type: 'i16', divisor: 1000, quantity: 'powerFactor', description: 'Power factor total' },
    { name: 'powerFactorL1', address: 0x5b3b, type: 'i16', divisor: 1000, description: 'Power factor L1' },
    { name: 'powerFactorL2', address: 0x5b3c, type: 'i16', divisor: 1000, description: 'Power factor L2' },
    { name: 'powerFactorL3', address: 0x5b3d, type: 'i16', divisor: 1000, description: 'Power factor L3' },
    { name: 'serialNumber', address: 0x8900, poll: 'identity', description: 'Serial number' },
    { name: 'firmwareVersion', address: 0x8908, type: 'string', words: 8, poll: 'identity', description: 'Firmware version' },
    { name: 'typeDesignation', address: 0x8960, poll: 'identity', description: 'First four characters of the type designation ("B23 ", "B24 ")' },
  ],
  identification: [{ register: 'typeDesignation', anyOf: [0x42323320, 0x42323420] }],
});
