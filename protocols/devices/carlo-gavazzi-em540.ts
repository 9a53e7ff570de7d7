// Carlo Gavazzi EM530 / EM540: the EM300 series instantaneous and energy layout (INT32 low word
// first, function 4), as the readers that support it use it.
import { carloGavazziDefaults, carloGavazziInstantaneous } from './carlo-gavazzi-common.js';
import { defineDevice } from './define.js';

export const carloGavazziEm540 = defineDevice({
  id: 'carlo-gavazzi-em540',
  manufacturer: 'Carlo Gavazzi',
  model: 'EM530 / EM540',
  description: 'Three-phase DIN-rail energy analyser (EM540 65 A direct, EM530 CT), MID, RS-485 Modbus RTU.',
  source: {
    document: 'Carlo Gavazzi "EM500 series communication protocol" (EM530/EM540), instantaneous variables and meters table',
    version: 'edition referenced by evcc (undated)',
    crossChecks: [
      'evcc-io/evcc templates/definition/meter/cg-emt3xx.yaml @b29b49e (lists EM530/EM540 under the mbmd cgex3x0 map)',
      'volkszaehler/mbmd meters/rs485/carlogavazzi-ex3x0.go @fb8f9c2 (0x00–0x16, 0x28, 0x2E–0x33, 0x34, 0x40–0x44, 0x4E)',
    ],
    differences: [
      'evcc reads the EM540 with the EM330/EM340 map; nabo does the same and lists only the registers that map reads, plus the shared 0x00–0x2C block.',
      'The EM540\'s reactive energies and demand values are not confirmed by a second source for this model and are left out (see carlo-gavazzi-em340 for the EM300 positions).',
    ],
    notes: ['Vendor PDF not available offline when this file was written.'],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 50, forbidden: [] },
  defaults: carloGavazziDefaults,
  registers: [
    ...carloGavazziInstantaneous,
    { name: 'powerFactorL1', address: 0x2e, type: 'i16', divisor: 1000, description: 'PF L1' },
    { name: 'powerFactorL2', address: 0x2f, type: 'i16', divisor: 1000, description: 'PF L2' },
    { name: 'powerFactorL3', address: 0x30, type: 'i16', divisor: 1000, description: 'PF L3' },
    { name: 'powerFactor', address: 0x31, type: 'i16', divisor: 1000, quantity: 'powerFactor', description: 'PF system' },
    { name: 'frequency', address: 0x33, type: 'i16', divisor: 10, unit: 'Hz', quantity: 'frequencyHz', description: 'Hz' },
    { name: 'energyImport', address: 0x34, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'kWh (+) TOT' },
    { name: 'energyImportL1', address: 0x40, divisor: 10, unit: 'kWh', description: 'kWh (+) L1' },
    { name: 'energyImportL2', address: 0x42, divisor: 10, unit: 'kWh', description: 'kWh (+) L2' },
    { name: 'energyImportL3', address: 0x44, divisor: 10, unit: 'kWh', description: 'kWh (+) L3' },
    { name: 'energyExport', address: 0x4e, divisor: 10, unit: 'kWh', quantity: 'energyExportWh', description: 'kWh (-) TOT' },
  ],
});
