// Carlo Gavazzi EM24-DIN (RS-485 models): three-phase meter with scaled INT32 values whose
// low word comes first, and a small per-request limit that makes read planning matter.
import { scaled } from './builders.js';
import type { DeviceDefinition } from '../modbus/registers.js';

const i32 = { wordOrder: 'low-first' as const };

export const carloGavazziEm24: DeviceDefinition = {
  id: 'carlo-gavazzi-em24',
  manufacturer: 'Carlo Gavazzi',
  model: 'EM24-DIN (AV5/AV6/AV9, RS-485)',
  description: 'Three-phase DIN-rail energy analyser with joystick, RS-485 Modbus RTU.',
  source: {
    document: 'Carlo Gavazzi EM24-DIN Communication Protocol (§1.2.2 function 04h, §2 tables)',
    version: 'Version 3 Revision 1 / PFA-PFB-X Version 4 Revision 0',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/carlogavazzi-em24.go @054d4e1 (test/fixtures/conformance/modbus-registers.json map-carlogavazzi-em24)',
      'volkszaehler/mbmd encoding/int_test.go (INT32 low word first)',
    ],
    notes: [
      'The protocol allows at most 11 registers per read request ("maximum 11 register (word) with a single request").',
      'INT32 values are sent low word first, each word big-endian.',
      'No identification signature: the identification codes Victron lists (1648–1653) belong to the Ethernet EM24 (E1), whose map differs.',
    ],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 11, forbidden: [] },
  registers: [
    scaled('voltageL1', 0x00, 'i32', 'V', 'fast', 'V L1-N', 'voltageL1V', { ...i32, divisor: 10 }),
    scaled('voltageL2', 0x02, 'i32', 'V', 'fast', 'V L2-N', 'voltageL2V', { ...i32, divisor: 10 }),
    scaled('voltageL3', 0x04, 'i32', 'V', 'fast', 'V L3-N', 'voltageL3V', { ...i32, divisor: 10 }),
    scaled('currentL1', 0x0c, 'i32', 'A', 'fast', 'A L1', 'currentL1A', { ...i32, divisor: 1000 }),
    scaled('currentL2', 0x0e, 'i32', 'A', 'fast', 'A L2', 'currentL2A', { ...i32, divisor: 1000 }),
    scaled('currentL3', 0x10, 'i32', 'A', 'fast', 'A L3', 'currentL3A', { ...i32, divisor: 1000 }),
    scaled('powerL1', 0x12, 'i32', 'W', 'fast', 'W L1', 'powerL1W', { ...i32, divisor: 10 }),
    scaled('powerL2', 0x14, 'i32', 'W', 'fast', 'W L2', 'powerL2W', { ...i32, divisor: 10 }),
    scaled('powerL3', 0x16, 'i32', 'W', 'fast', 'W L3', 'powerL3W', { ...i32, divisor: 10 }),
    scaled('power', 0x28, 'i32', 'W', 'fast', 'W system', 'powerW', { ...i32, divisor: 10 }),
    scaled('powerFactorL1', 0x32, 'i16', '', 'slow', 'PF L1', undefined, { divisor: 1000 }),
    scaled('powerFactorL2', 0x33, 'i16', '', 'slow', 'PF L2', undefined, { divisor: 1000 }),
    scaled('powerFactorL3', 0x34, 'i16', '', 'slow', 'PF L3', undefined, { divisor: 1000 }),
    scaled('powerFactor', 0x35, 'i16', '', 'fast', 'PF system', 'powerFactor', { divisor: 1000 }),
    scaled('frequency', 0x37, 'i16', 'Hz', 'fast', 'Hz', 'frequencyHz', { divisor: 10 }),
    scaled('energyImport', 0x42, 'i32', 'kWh', 'slow', 'kWh (+) TOT', 'energyImportWh', { ...i32, divisor: 10 }),
    scaled('energyImportL1', 0x46, 'i32', 'kWh', 'slow', 'kWh (+) L1', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL2', 0x48, 'i32', 'kWh', 'slow', 'kWh (+) L2', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL3', 0x4a, 'i32', 'kWh', 'slow', 'kWh (+) L3', undefined, { ...i32, divisor: 10 }),
    scaled('energyExport', 0x5c, 'i32', 'kWh', 'slow', 'kWh (-) TOT', 'energyExportWh', { ...i32, divisor: 10 }),
  ],
};
