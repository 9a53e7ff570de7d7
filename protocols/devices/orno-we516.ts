// ORNO OR-WE-516: three-phase meter with float32 holding registers, powers in kW and energies
// in kWh, two tariffs.
import { defineDevice } from './define.js';

export const ornoWe516 = defineDevice({
  id: 'orno-we516',
  manufacturer: 'ORNO',
  model: 'OR-WE-516',
  description: 'Three-phase DIN-rail energy meter, 80 A direct, MID, RS-485 Modbus, two tariffs.',
  source: {
    document: 'ORNO OR-WE-516 user manual, Modbus register table (0x000E–0x003A instantaneous, 0x0100–0x0146 energies)',
    version: 'edition referenced by mbmd (undated)',
    crossChecks: ['volkszaehler/mbmd meters/rs485/orno3p.go @fb8f9c2', 'evcc-io/evcc templates/definition/meter/orno.yaml @b29b49e (uses the mbmd map)'],
    differences: ['mbmd notes the power-factor registers hold a "literal" value; read here as a plain float power factor.'],
    notes: ['Function 3, float32.', 'Vendor PDF not available offline when this file was written: addresses follow mbmd.'],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 60, forbidden: [] },
  defaults: { functionCode: 3, type: 'float32' },
  registers: [
    { name: 'voltageL1', address: 0x0e, unit: 'V', quantity: 'voltageL1V', description: 'L1 voltage' },
    { name: 'voltageL2', address: 0x10, unit: 'V', quantity: 'voltageL2V', description: 'L2 voltage' },
    { name: 'voltageL3', address: 0x12, unit: 'V', quantity: 'voltageL3V', description: 'L3 voltage' },
    { name: 'frequency', address: 0x14, unit: 'Hz', quantity: 'frequencyHz', description: 'Grid frequency' },
    { name: 'currentL1', address: 0x16, unit: 'A', quantity: 'currentL1A', description: 'L1 current' },
    { name: 'currentL2', address: 0x18, unit: 'A', quantity: 'currentL2A', description: 'L2 current' },
    { name: 'currentL3', address: 0x1a, unit: 'A', quantity: 'currentL3A', description: 'L3 current' },
    { name: 'power', address: 0x1c, unit: 'kW', quantity: 'powerW', positive: 'import', description: 'Total active power' },
    { name: 'powerL1', address: 0x1e, unit: 'kW', quantity: 'powerL1W', positive: 'import', description: 'L1 active power' },
    { name: 'powerL2', address: 0x20, unit: 'kW', quantity: 'powerL2W', positive: 'import', description: 'L2 active power' },
    { name: 'powerL3', address: 0x22, unit: 'kW', quantity: 'powerL3W', positive: 'import', description: 'L3 active power' },
    { name: 'reactivePower', address: 0x24, unit: 'kvar', quantity: 'reactivePowerVar', description: 'Total reactive power' },
    { name: 'apparentPower', address: 0x2c, unit: 'kVA', quantity: 'apparentPowerVA', description: 'Total apparent power' },
    { name: 'powerFactor', address: 0x34, quantity: 'powerFactor', description: 'Total power factor' },
    { name: 'energyTotal', address: 0x100, unit: 'kWh', description: 'Total active energy' },
    { name: 'energyImport', address: 0x108, unit: 'kWh', quantity: 'energyImportWh', description: 'Forward active energy' },
    { name: 'energyExport', address: 0x110, unit: 'kWh', quantity: 'energyExportWh', description: 'Reverse active energy' },
    { name: 'reactiveEnergyImport', address: 0x120, unit: 'kvarh', quantity: 'reactiveEnergyImportVarh', description: 'Forward reactive energy' },
    { name: 'reactiveEnergyExport', address: 0x128, unit: 'kvarh', quantity: 'reactiveEnergyExportVarh', description: 'Reverse reactive energy' },
  ],
});
