// ORNO OR-WE-514 / OR-WE-515: single-phase meter with unsigned scaled integers in holding
// registers (0x130 ff. instantaneous, 0xA000 ff. energies).
import { defineDevice } from './define.js';

export const ornoWe514 = defineDevice({
  id: 'orno-we514',
  manufacturer: 'ORNO',
  model: 'OR-WE-514 / OR-WE-515',
  description: 'Single-phase DIN-rail energy meter, 80 A direct, MID, RS-485 Modbus, two tariffs.',
  source: {
    document: 'ORNO OR-WE-514 user manual, Modbus register table (0x0130–0x0158 instantaneous, 0xA000–0xA022 energies)',
    version: 'edition referenced by mbmd (undated)',
    crossChecks: ['volkszaehler/mbmd meters/rs485/orno1p.go @fb8f9c2', 'evcc-io/evcc templates/definition/meter/orno-we514_515.yaml @b29b49e (uses the mbmd map)'],
    differences: [
      'The meter has one total active energy counter (0xA000), no import/export split: it is mapped to energyImportWh, which holds for a meter on a consumer circuit but not at a connection that exports.',
      'Active power is unsigned (0.001 kW steps), so export cannot be seen.',
    ],
    notes: ['Function 3.', 'Vendor PDF not available offline when this file was written: addresses and scales follow mbmd\'s comments.'],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 60, forbidden: [] },
  defaults: { functionCode: 3, type: 'u32' },
  registers: [
    { name: 'frequency', address: 0x130, type: 'u16', divisor: 100, unit: 'Hz', quantity: 'frequencyHz', description: 'Grid frequency (0.01 Hz)' },
    { name: 'voltage', address: 0x131, type: 'u16', divisor: 100, unit: 'V', quantity: 'voltageL1V', description: 'Voltage (0.01 V)' },
    { name: 'current', address: 0x139, divisor: 1000, unit: 'A', quantity: 'currentL1A', description: 'Current (0.001 A)' },
    { name: 'power', address: 0x140, unit: 'W', quantity: 'powerImportW', description: 'Active power (0.001 kW)' },
    { name: 'reactivePower', address: 0x148, unit: 'var', description: 'Reactive power (0.001 kvar)' },
    { name: 'apparentPower', address: 0x150, unit: 'VA', quantity: 'apparentPowerVA', description: 'Apparent power (0.001 kVA)' },
    { name: 'powerFactor', address: 0x158, type: 'u16', divisor: 1000, description: 'Power factor (0.001, unsigned: lead or lag not told apart)' },
    { name: 'energyTotal', address: 0xa000, divisor: 100, unit: 'kWh', quantity: 'energyImportWh', description: 'Total active energy (0.01 kWh)' },
    { name: 'energyT1', address: 0xa002, divisor: 100, unit: 'kWh', description: 'Active energy tariff 1' },
    { name: 'energyT2', address: 0xa004, divisor: 100, unit: 'kWh', description: 'Active energy tariff 2' },
    { name: 'reactiveEnergyTotal', address: 0xa01e, divisor: 100, unit: 'kvarh', description: 'Total reactive energy (0.01 kvarh)' },
  ],
});
