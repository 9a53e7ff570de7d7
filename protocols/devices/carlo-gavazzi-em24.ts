// Carlo Gavazzi EM24-DIN (RS-485 models): three-phase meter with scaled INT32 values whose
// low word comes first, and an 11-register request limit that makes read planning matter.
import { scaled } from './builders.js';
import { carloGavazziInstantaneous, i32LowFirst } from './carlo-gavazzi-common.js';
import type { DeviceDefinition } from '../modbus/registers.js';

const i32 = i32LowFirst;

export const carloGavazziEm24: DeviceDefinition = {
  id: 'carlo-gavazzi-em24',
  manufacturer: 'Carlo Gavazzi',
  model: 'EM24-DIN (PFA, PFB and X models, RS-485)',
  description: 'Three-phase DIN-rail energy analyser with joystick, RS-485 Modbus RTU.',
  source: {
    document: 'Carlo Gavazzi EM24-DIN PFA, PFB & X models Communication Protocol: §1.2.2 function 04h, table 2.3-1 instantaneous variables and meters',
    version: 'Version 4 Revision 0 (2012-12-03)',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/carlogavazzi-em24.go @054d4e1 (test/fixtures/conformance/modbus-registers.json map-carlogavazzi-em24)',
      'Victron community EM24RTU module for PFB/X models (0x3E kWh forward, 0x5C reverse, 0x46… per phase)',
      'volkszaehler/mbmd encoding/int_test.go (INT32 low word first)',
    ],
    notes: [
      'The protocol allows at most 11 registers per read request ("maximum 11 register (word) with a single request").',
      'INT32 values are sent low word first, each word big-endian.',
      'Import energy is kWh(+) TOT at 0x3E. The conformance map (from mbmd) calls 0x42 "Import", but the vendor table gives 0x42 = kWh(+) PAR, the resettable partial counter; it is kept here without a quantity.',
      'Identification: the Carlo Gavazzi model code is a one-word read of 0x000B (inside the V L3-L1 value when read as a block); 70–73 = AV9, AV2, AV5, AV6 per the Victron community module.',
    ],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 11, forbidden: [] },
  registers: [
    ...carloGavazziInstantaneous,
    scaled('demandPower', 0x2e, 'i32', 'W', 'slow', 'DMD W', undefined, { ...i32, divisor: 10 }),
    scaled('demandApparentPower', 0x30, 'i32', 'VA', 'slow', 'DMD VA', undefined, { ...i32, divisor: 10 }),
    scaled('powerFactorL1', 0x32, 'i16', '', 'slow', 'PF L1', undefined, { divisor: 1000 }),
    scaled('powerFactorL2', 0x33, 'i16', '', 'slow', 'PF L2', undefined, { divisor: 1000 }),
    scaled('powerFactorL3', 0x34, 'i16', '', 'slow', 'PF L3', undefined, { divisor: 1000 }),
    scaled('powerFactor', 0x35, 'i16', '', 'fast', 'PF system (negative: lead)', 'powerFactor', { divisor: 1000 }),
    scaled('phaseSequence', 0x36, 'i16', '', 'slow', 'Phase sequence: 0 = L1-L2-L3, -1 = L1-L3-L2', undefined, {}),
    scaled('frequency', 0x37, 'i16', 'Hz', 'fast', 'Hz', 'frequencyHz', { divisor: 10 }),
    scaled('energyImport', 0x3e, 'i32', 'kWh', 'slow', 'kWh (+) TOT', 'energyImportWh', { ...i32, divisor: 10 }),
    scaled('reactiveEnergyImport', 0x40, 'i32', 'kvarh', 'slow', 'kvarh (+) TOT', 'reactiveEnergyImportVarh', { ...i32, divisor: 10 }),
    scaled('energyImportPartial', 0x42, 'i32', 'kWh', 'slow', 'kWh (+) PAR (resettable)', undefined, { ...i32, divisor: 10 }),
    scaled('reactiveEnergyImportPartial', 0x44, 'i32', 'kvarh', 'slow', 'kvarh (+) PAR (resettable)', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL1', 0x46, 'i32', 'kWh', 'slow', 'kWh (+) L1', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL2', 0x48, 'i32', 'kWh', 'slow', 'kWh (+) L2', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL3', 0x4a, 'i32', 'kWh', 'slow', 'kWh (+) L3', undefined, { ...i32, divisor: 10 }),
    scaled('energyExport', 0x5c, 'i32', 'kWh', 'slow', 'kWh (-) TOT', 'energyExportWh', { ...i32, divisor: 10 }),
  ],
  identification: [{ probe: { functionCode: 4, address: 0x000b }, anyOf: [70, 71, 72, 73] }],
};
