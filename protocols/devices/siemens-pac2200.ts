// Siemens SENTRON PAC2200: float32 measured values at the manual's offsets (used as protocol
// addresses as they are), float64 Wh counters from 801.
import { defineDevice } from './define.js';

export const siemensPac2200 = defineDevice({
  id: 'siemens-pac2200',
  manufacturer: 'Siemens',
  model: 'SENTRON PAC2200',
  description: 'Three-phase DIN-rail power monitoring device (65 A direct or CT), Modbus RTU or Modbus TCP.',
  source: {
    document: 'Siemens SENTRON PAC2200 manual, "Measured variables with function codes 0x03 and 0x04" (offsets 1–69) and energy counters (offset 801 ff.)',
    version: 'manual edition referenced by mbmd and OpenEMS (undated)',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/pac2200.go @fb8f9c2 (function 4)',
      'OpenEMS/openems io.openems.edge.meter.siemens pac2200/MeterSiemensPac2200Impl.java @0e4ea88 (function 3)',
    ],
    differences: [
      'mbmd reads with function 4, OpenEMS with function 3; the manual allows both for measured values. nabo uses function 4.',
      'mbmd reads frequency at offset 46 and the per-phase reactive powers are only in OpenEMS (31–35); the frequency offset could not be confirmed in a second source and is left out.',
      'Both read energies as float64 Wh at 801 (import, tariff 1) and 809 (export, tariff 1).',
    ],
    notes: ['Vendor PDF not available offline when this file was written: addresses are those mbmd and OpenEMS agree on.'],
  },
  transports: ['rtu', 'tcp'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 120, forbidden: [] },
  defaults: { functionCode: 4, type: 'float32' },
  registers: [
    { name: 'voltageL1', address: 1, unit: 'V', quantity: 'voltageL1V', description: 'Voltage L1-N' },
    { name: 'voltageL2', address: 3, unit: 'V', quantity: 'voltageL2V', description: 'Voltage L2-N' },
    { name: 'voltageL3', address: 5, unit: 'V', quantity: 'voltageL3V', description: 'Voltage L3-N' },
    { name: 'currentL1', address: 13, unit: 'A', quantity: 'currentL1A', description: 'Current L1' },
    { name: 'currentL2', address: 15, unit: 'A', quantity: 'currentL2A', description: 'Current L2' },
    { name: 'currentL3', address: 17, unit: 'A', quantity: 'currentL3A', description: 'Current L3' },
    { name: 'powerL1', address: 25, unit: 'W', quantity: 'powerL1W', positive: 'import', description: 'Active power L1' },
    { name: 'powerL2', address: 27, unit: 'W', quantity: 'powerL2W', positive: 'import', description: 'Active power L2' },
    { name: 'powerL3', address: 29, unit: 'W', quantity: 'powerL3W', positive: 'import', description: 'Active power L3' },
    { name: 'reactivePowerL1', address: 31, unit: 'var', quantity: 'reactivePowerL1Var', description: 'Reactive power L1' },
    { name: 'reactivePowerL2', address: 33, unit: 'var', quantity: 'reactivePowerL2Var', description: 'Reactive power L2' },
    { name: 'reactivePowerL3', address: 35, unit: 'var', quantity: 'reactivePowerL3Var', description: 'Reactive power L3' },
    { name: 'powerFactorL1', address: 37, description: 'Power factor L1' },
    { name: 'powerFactorL2', address: 39, description: 'Power factor L2' },
    { name: 'powerFactorL3', address: 41, description: 'Power factor L3' },
    { name: 'currentAverage', address: 61, unit: 'A', description: 'Average current' },
    { name: 'apparentPower', address: 63, unit: 'VA', quantity: 'apparentPowerVA', description: 'Total apparent power' },
    { name: 'power', address: 65, unit: 'W', quantity: 'powerW', positive: 'import', description: 'Total active power' },
    { name: 'reactivePower', address: 67, unit: 'var', quantity: 'reactivePowerVar', description: 'Total reactive power' },
    { name: 'powerFactor', address: 69, quantity: 'powerFactor', description: 'Total power factor' },
    { name: 'energyImport', address: 801, type: 'float64', unit: 'Wh', quantity: 'energyImportWh', description: 'Active energy import, tariff 1' },
    { name: 'energyExport', address: 809, type: 'float64', unit: 'Wh', quantity: 'energyExportWh', description: 'Active energy export, tariff 1' },
  ],
});
