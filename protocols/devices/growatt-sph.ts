// Growatt SPH / SPA storage inverters (storage protocol, input registers 1000 ff.): PV from the
// inverter block, battery and grid flows as separate unsigned powers in 0.1 W.
import { defineDevice } from './define.js';

export const growattSph = defineDevice({
  id: 'growatt-sph',
  manufacturer: 'Growatt',
  model: 'SPH / SPA hybrid (storage protocol)',
  description: 'Hybrid PV inverter with battery, RS-485 Modbus RTU (or a ShineLAN/Modbus TCP bridge).',
  category: 'hybrid-inverter',
  source: {
    document: 'Growatt "Inverter Modbus RTU Protocol" V1.24 (input registers 0–124 inverter, 1000–1124 storage)',
    version: 'V1.24 (2020) as referenced by evcc',
    crossChecks: ['evcc-io/evcc templates/definition/meter/growatt-hybrid.yaml @b29b49e'],
    differences: [
      'Battery power is two unsigned registers (1009 discharge, 1011 charge) that evcc subtracts (scale 0.1 and -0.1); nabo says the same as data: batteryPowerW is 1009 with 1011 as its opposite.',
      'Grid power is likewise two registers: 1021 (to user, import) and 1029 (to grid, export), mapped to powerImportW and powerExportW.',
    ],
    notes: ['Only one second source was found for this map.', 'Function 4; powers in 0.1 W, energies in 0.1 kWh.'],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 125, forbidden: [] },
  defaults: { functionCode: 4, type: 'u32' },
  registers: [
    { name: 'pvPower', address: 1, divisor: 10, unit: 'W', quantity: 'pvDcPowerW', description: 'Ppv, input power' },
    { name: 'pvEnergyTotal', address: 91, divisor: 10, unit: 'kWh', quantity: 'pvEnergyWh', description: 'PV energy total' },
    { name: 'dischargePower', address: 1009, divisor: 10, unit: 'W', quantity: 'batteryPowerW', opposite: 'chargePower', description: 'Pdischarge1, battery discharge power' },
    { name: 'chargePower', address: 1011, divisor: 10, unit: 'W', description: 'Pcharge1, battery charge power' },
    { name: 'batterySoc', address: 1014, type: 'u16', unit: '%', quantity: 'socPercent', description: 'SOC' },
    { name: 'powerToUser', address: 1021, divisor: 10, unit: 'W', quantity: 'powerImportW', description: 'Pactouser total, AC power from the grid' },
    { name: 'powerToGrid', address: 1029, divisor: 10, unit: 'W', quantity: 'powerExportW', description: 'Pactogrid total, AC power to the grid' },
    { name: 'energyToUser', address: 1046, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'Etouser total, energy from the grid' },
    { name: 'dischargeEnergyTotal', address: 1054, divisor: 10, unit: 'kWh', description: 'Edischarge1 total' },
  ],
});
