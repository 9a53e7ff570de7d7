// Eastron SDM230-Modbus: single-phase MID meter whose input registers are the SDM120 map
// (float32, function 4) plus the total kWh / kvarh counters at 0x156 / 0x158.
import { defineDevice } from './define.js';

export const eastronSdm230 = defineDevice({
  id: 'eastron-sdm230',
  manufacturer: 'Eastron',
  model: 'SDM230-Modbus',
  description: 'Single-phase two-wire DIN-rail energy meter, 100 A direct, MID, bidirectional.',
  source: {
    document: 'Eastron SDM230-Modbus user manual, "MODBUS Protocol" input register table (30001 numbering)',
    version: 'V1.x as distributed by B+G e-tech (no newer edition seen)',
    crossChecks: ['volkszaehler/mbmd meters/rs485/sdm230.go @fb8f9c2', 'evcc-io/evcc templates/definition/meter/eastron-sdm220_230.yaml @b29b49e (mbmd model sdm230)'],
    differences: [
      'mbmd\'s SDM230 and SDM120 maps agree address for address; its SDM230 map also reads the phase angle (0x24), which nabo\'s SDM120 table lists as well.',
      'Demand registers (0x54–0x5E) of the SDM120 are not listed for the SDM230 by mbmd; left out here.',
    ],
    notes: ['Active power is signed, positive on import.', 'Vendor PDF not available offline when this file was written: addresses follow the mbmd transcription, which matches the SDM120 protocol table already in nabo.'],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 60, forbidden: [] },
  defaults: { functionCode: 4, type: 'float32' },
  registers: [
    { name: 'voltage', address: 0x00, unit: 'V', quantity: 'voltageL1V', description: 'Line to neutral volts' },
    { name: 'current', address: 0x06, unit: 'A', quantity: 'currentL1A', description: 'Current' },
    { name: 'powerActive', address: 0x0c, unit: 'W', quantity: 'powerW', positive: 'import', description: 'Active power' },
    { name: 'powerApparent', address: 0x12, unit: 'VA', quantity: 'apparentPowerVA', description: 'Apparent power' },
    { name: 'powerReactive', address: 0x18, unit: 'VAr', quantity: 'reactivePowerVar', description: 'Reactive power' },
    { name: 'powerFactor', address: 0x1e, quantity: 'powerFactor', description: 'Power factor' },
    { name: 'phaseAngle', address: 0x24, unit: '°', description: 'Phase angle' },
    { name: 'frequency', address: 0x46, unit: 'Hz', quantity: 'frequencyHz', description: 'Frequency of supply voltage' },
    { name: 'importEnergyActive', address: 0x48, unit: 'kWh', quantity: 'energyImportWh', description: 'Total import kWh' },
    { name: 'exportEnergyActive', address: 0x4a, unit: 'kWh', quantity: 'energyExportWh', description: 'Total export kWh' },
    { name: 'importEnergyReactive', address: 0x4c, unit: 'kVArh', quantity: 'reactiveEnergyImportVarh', description: 'Total import kVArh' },
    { name: 'exportEnergyReactive', address: 0x4e, unit: 'kVArh', quantity: 'reactiveEnergyExportVarh', description: 'Total export kVArh' },
    { name: 'totalEnergyActive', address: 0x156, unit: 'kWh', description: 'Total kWh' },
    { name: 'totalEnergyReactive', address: 0x158, unit: 'kVArh', description: 'Total kVArh' },
  ],
});
