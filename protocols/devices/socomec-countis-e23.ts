// Socomec Countis E23 / E24 / E27 / E28: scaled 32-bit integers in holding registers from
// 0xC558 (instantaneous) and 0xC702 (energies), the Socomec "Jbus" table.
import { defineDevice } from './define.js';

export const socomecCountisE23 = defineDevice({
  id: 'socomec-countis-e23',
  manufacturer: 'Socomec',
  model: 'Countis E23 / E24 / E27 / E28',
  description: 'Three-phase DIN-rail energy meter (E23/E24 direct 80 A, E27/E28 CT), MID, RS-485 Modbus (Jbus).',
  source: {
    document: 'Socomec COUNTIS E23/E24 "Communication Modbus" table (instantaneous values 0xC550 ff., energies 0xC702 ff.)',
    version: 'edition referenced by OpenEMS (undated)',
    crossChecks: ['OpenEMS/openems io.openems.edge.meter.socomec threephase/MeterSocomecThreephaseImpl.java @0e4ea88 (identifiedCountisE23_E24_E27_E28)'],
    differences: [
      'OpenEMS reads frequency at 0xC55E without a scale into mHz, i.e. raw in 1/1000 Hz, while the Socomec tables give Hz/100 for other Countis models; the frequency is left out until the vendor table is read.',
      'Scales as OpenEMS applies them: voltage 1/100 V, current 1/1000 A, power 10 W (1/100 kW), energy 1/100 kWh.',
    ],
    notes: ['Only one second source was found (mbmd and evcc have no Countis map).', 'Vendor PDF not available offline when this file was written: addresses and scales follow OpenEMS.'],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'u32', notImplemented: { u32: [0xffffffff], i32: [0x7fffffff] } },
  registers: [
    { name: 'voltageL1', address: 0xc558, divisor: 100, unit: 'V', quantity: 'voltageL1V', description: 'V1' },
    { name: 'voltageL2', address: 0xc55a, divisor: 100, unit: 'V', quantity: 'voltageL2V', description: 'V2' },
    { name: 'voltageL3', address: 0xc55c, divisor: 100, unit: 'V', quantity: 'voltageL3V', description: 'V3' },
    { name: 'currentL1', address: 0xc560, divisor: 1000, unit: 'A', quantity: 'currentL1A', description: 'I1' },
    { name: 'currentL2', address: 0xc562, divisor: 1000, unit: 'A', quantity: 'currentL2A', description: 'I2' },
    { name: 'currentL3', address: 0xc564, divisor: 1000, unit: 'A', quantity: 'currentL3A', description: 'I3' },
    { name: 'power', address: 0xc568, type: 'i32', multiplier: 10, unit: 'W', quantity: 'powerW', positive: 'import', description: 'ΣP' },
    { name: 'reactivePower', address: 0xc56a, type: 'i32', multiplier: 10, unit: 'var', quantity: 'reactivePowerVar', description: 'ΣQ' },
    { name: 'powerL1', address: 0xc570, type: 'i32', multiplier: 10, unit: 'W', quantity: 'powerL1W', positive: 'import', description: 'P1' },
    { name: 'powerL2', address: 0xc572, type: 'i32', multiplier: 10, unit: 'W', quantity: 'powerL2W', positive: 'import', description: 'P2' },
    { name: 'powerL3', address: 0xc574, type: 'i32', multiplier: 10, unit: 'W', quantity: 'powerL3W', positive: 'import', description: 'P3' },
    { name: 'reactivePowerL1', address: 0xc576, type: 'i32', multiplier: 10, unit: 'var', quantity: 'reactivePowerL1Var', description: 'Q1' },
    { name: 'reactivePowerL2', address: 0xc578, type: 'i32', multiplier: 10, unit: 'var', quantity: 'reactivePowerL2Var', description: 'Q2' },
    { name: 'reactivePowerL3', address: 0xc57a, type: 'i32', multiplier: 10, unit: 'var', quantity: 'reactivePowerL3Var', description: 'Q3' },
    { name: 'energyImport', address: 0xc702, divisor: 100, unit: 'kWh', quantity: 'energyImportWh', description: 'Total positive active energy (not resettable)' },
    { name: 'energyExport', address: 0xc708, divisor: 100, unit: 'kWh', quantity: 'energyExportWh', description: 'Total negative active energy (not resettable)' },
  ],
});
