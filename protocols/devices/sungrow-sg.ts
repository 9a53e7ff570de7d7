// Sungrow SG-RT string inverters: input registers (manual numbers minus one), 32-bit values low
// word first, with the grid meter (DTSU666) read through the inverter.
import { defineDevice } from './define.js';

export const sungrowSg = defineDevice({
  id: 'sungrow-sg',
  manufacturer: 'Sungrow',
  model: 'SG-RT / SG-RS string inverter',
  description: 'PV string inverter, Modbus TCP (WiNet-S) or RS-485, with optional grid meter.',
  category: 'pv-inverter',
  source: {
    document: 'Sungrow "Communication Protocol of PV Grid-Connected String Inverters" (TI_20230117_Communication Protocol_V1.1.x)',
    version: 'V1.1.x as cited by the readers below; register numbers are 1-based in the document',
    crossChecks: ['evcc-io/evcc templates/definition/meter/sungrow-inverter.yaml @b29b49e', 'mkaiser/Sungrow-SHx-Inverter-Modbus-Home-Assistant modbus_sungrow.yaml @63beec6 (5003, 5016 shared with the SH series)'],
    differences: [
      'Meter power 5082 and import energy 5098 are read by evcc only; mkaiser\'s SG configuration does not list them.',
      'Total yield 5003 is whole kWh (1 kWh steps) in both sources.',
    ],
    notes: ['Meter power 5082 is positive on import (evcc applies no sign flip).'],
  },
  transports: ['tcp', 'rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 4, type: 'u32', wordOrder: 'low-first' },
  registers: [
    { name: 'totalYield', address: 5003, unit: 'kWh', quantity: 'pvEnergyWh', description: 'Total power yields (reg 5004)' },
    { name: 'totalDcPower', address: 5016, unit: 'W', quantity: 'pvDcPowerW', description: 'Total DC power (reg 5017)' },
    { name: 'totalActivePower', address: 5030, unit: 'W', quantity: 'pvAcPowerW', description: 'Total active power (reg 5031)' },
    { name: 'meterPower', address: 5082, type: 'i32', unit: 'W', quantity: 'powerW', positive: 'import', description: 'Meter power (reg 5083)' },
    { name: 'meterImportEnergy', address: 5098, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'Total import energy from grid (reg 5099)' },
  ],
});
