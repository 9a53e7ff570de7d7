// Finder 7M.24 (single-phase) with Modbus: the 7M.38's addresses, phase 1 only.
import { defineDevice } from './define.js';

export const finder7m24 = defineDevice({
  id: 'finder-7m24',
  manufacturer: 'Finder',
  model: '7M.24 (Modbus RTU variant, e.g. 7M.24.8.230.0210)',
  description: 'Single-phase DIN-rail energy meter, 40 A direct, MID, RS-485 Modbus.',
  source: {
    document: 'Finder 7M series "Modbus communication protocol" register table (measurements as float32 from 2500, energy counters from 2752)',
    version: 'edition referenced by mbmd (undated)',
    crossChecks: ['volkszaehler/mbmd meters/rs485/finder7m24.go @fb8f9c2', 'evcc-io/evcc templates/definition/meter/finder-7m24.yaml @b29b49e (uses the mbmd map)'],
    differences: ['mbmd reads energies as float32 Wh and divides by 1000 for kWh; nabo keeps Wh directly.'],
    notes: ['Same addresses as the 7M.38, phase 1 only.', 'Vendor PDF not available offline when this file was written: addresses follow mbmd.'],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 60, forbidden: [] },
  defaults: { functionCode: 4, type: 'float32' },
  registers: [
    { name: 'voltage', address: 2500, unit: 'V', quantity: 'voltageL1V', description: 'U' },
    { name: 'current', address: 2516, unit: 'A', quantity: 'currentL1A', description: 'I' },
    { name: 'power', address: 2536, unit: 'W', quantity: 'powerW', positive: 'import', description: 'P' },
    { name: 'reactivePower', address: 2544, unit: 'var', quantity: 'reactivePowerVar', description: 'Q' },
    { name: 'apparentPower', address: 2552, unit: 'VA', quantity: 'apparentPowerVA', description: 'S' },
    { name: 'powerFactor', address: 2560, quantity: 'powerFactor', description: 'PF' },
    { name: 'phaseAngle', address: 2576, unit: '°', description: 'Phase angle' },
    { name: 'frequency', address: 2584, unit: 'Hz', quantity: 'frequencyHz', description: 'Frequency' },
    { name: 'thd', address: 2594, unit: '%', description: 'THD' },
    { name: 'energyImport', address: 2752, unit: 'Wh', quantity: 'energyImportWh', description: 'Active energy imported' },
    { name: 'reactiveEnergyImport', address: 2754, unit: 'varh', quantity: 'reactiveEnergyImportVarh', description: 'Reactive energy imported' },
    { name: 'energyExport', address: 2756, unit: 'Wh', quantity: 'energyExportWh', description: 'Active energy exported' },
    { name: 'reactiveEnergyExport', address: 2758, unit: 'varh', quantity: 'reactiveEnergyExportVarh', description: 'Reactive energy exported' },
  ],
});
