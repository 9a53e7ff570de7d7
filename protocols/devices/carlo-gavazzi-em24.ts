// Carlo Gavazzi EM24-DIN (RS-485 models): three-phase meter with scaled INT32 values whose
// low word comes first, and an 11-register request limit that makes read planning matter.
import { defineDevice } from './define.js';
import { carloGavazziDefaults, carloGavazziInstantaneous } from './carlo-gavazzi-common.js';

export const carloGavazziEm24 = defineDevice({
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
  defaults: carloGavazziDefaults,
  registers: [
    ...carloGavazziInstantaneous,
    { name: 'demandPower', address: 0x2e, divisor: 10, unit: 'W', description: 'DMD W' },
    { name: 'demandApparentPower', address: 0x30, divisor: 10, unit: 'VA', description: 'DMD VA' },
    { name: 'powerFactorL1', address: 0x32, type: 'i16', divisor: 1000, description: 'PF L1' },
    { name: 'powerFactorL2', address: 0x33, type: 'i16', divisor: 1000, description: 'PF L2' },
    { name: 'powerFactorL3', address: 0x34, type: 'i16', divisor: 1000, description: 'PF L3' },
    { name: 'powerFactor', address: 0x35, type: 'i16', divisor: 1000, quantity: 'powerFactor', description: 'PF system (negative: lead)' },
    { name: 'phaseSequence', address: 0x36, type: 'i16', description: 'Phase sequence: 0 = L1-L2-L3, -1 = L1-L3-L2' },
    { name: 'frequency', address: 0x37, type: 'i16', divisor: 10, unit: 'Hz', quantity: 'frequencyHz', description: 'Hz' },
    { name: 'energyImport', address: 0x3e, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'kWh (+) TOT' },
    { name: 'reactiveEnergyImport', address: 0x40, divisor: 10, unit: 'kvarh', quantity: 'reactiveEnergyImportVarh', description: 'kvarh (+) TOT' },
    { name: 'energyImportPartial', address: 0x42, divisor: 10, unit: 'kWh', description: 'kWh (+) PAR (resettable)' },
    { name: 'reactiveEnergyImportPartial', address: 0x44, divisor: 10, unit: 'kvarh', description: 'kvarh (+) PAR (resettable)' },
    { name: 'energyImportL1', address: 0x46, divisor: 10, unit: 'kWh', description: 'kWh (+) L1' },
    { name: 'energyImportL2', address: 0x48, divisor: 10, unit: 'kWh', description: 'kWh (+) L2' },
    { name: 'energyImportL3', address: 0x4a, divisor: 10, unit: 'kWh', description: 'kWh (+) L3' },
    { name: 'energyExport', address: 0x5c, divisor: 10, unit: 'kWh', quantity: 'energyExportWh', description: 'kWh (-) TOT' },
  ],
  identification: [{ probe: { functionCode: 4, address: 0x000b }, anyOf: [70, 71, 72, 73] }],
});
