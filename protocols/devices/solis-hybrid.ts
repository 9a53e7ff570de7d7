// Solis RHI / S5-EH / S6-EH hybrid inverters: input registers 33000 ff. (PV, battery, meter).
import { defineDevice } from './define.js';

export const solisHybrid = defineDevice({
  id: 'solis-hybrid',
  manufacturer: 'Ginlong Solis',
  model: 'RHI / S5-EH1P / S6-EH3P hybrid',
  description: 'Hybrid PV inverter with battery and grid meter, RS-485 Modbus RTU (or a Modbus TCP data logger).',
  category: 'hybrid-inverter',
  source: {
    document: 'Ginlong Solis "RS485 MODBUS Communication Protocol" for energy storage inverters (input registers 33000 ff.)',
    version: 'edition referenced by evcc (undated)',
    crossChecks: [
      'evcc-io/evcc templates/definition/meter/solis-hybrid.yaml @b29b49e',
      'a public Solis register note in Dutch (nabo search index file 63107194452, repository not identified): 33139 SoC in 1 %, 33149–33150 battery power in 1 W, positive = charging',
    ],
    differences: [
      'evcc reads battery power 33149 as a signed INT32 positive when charging (scale -1); nabo follows it. The protocol also has a direction register (33135) that evcc does not use.',
      'Meter powers 33257–33263 are positive on export in evcc (scale -1); the sign is flipped here too.',
    ],
    notes: ['The meter registers 33252–33283 rest on evcc alone.'],
  },
  transports: ['rtu', 'tcp'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 50, forbidden: [] },
  defaults: { functionCode: 4, type: 'u32' },
  registers: [
    { name: 'totalDcPower', address: 33057, unit: 'W', quantity: 'pvDcPowerW', description: 'Total DC output power (PV)' },
    { name: 'batterySoc', address: 33139, type: 'u16', unit: '%', quantity: 'socPercent', description: 'Battery capacity SoC' },
    { name: 'batteryPower', address: 33149, type: 'i32', unit: 'W', quantity: 'batteryPowerW', positive: 'charge', description: 'Battery power' },
    { name: 'meterCurrentL1', address: 33252, type: 'u16', divisor: 100, unit: 'A', quantity: 'currentL1A', description: 'Meter AC current A' },
    { name: 'meterCurrentL2', address: 33254, type: 'u16', divisor: 100, unit: 'A', quantity: 'currentL2A', description: 'Meter AC current B' },
    { name: 'meterCurrentL3', address: 33256, type: 'u16', divisor: 100, unit: 'A', quantity: 'currentL3A', description: 'Meter AC current C' },
    { name: 'meterPowerL1', address: 33257, type: 'i32', unit: 'W', quantity: 'powerL1W', positive: 'export', description: 'Meter active power A' },
    { name: 'meterPowerL2', address: 33259, type: 'i32', unit: 'W', quantity: 'powerL2W', positive: 'export', description: 'Meter active power B' },
    { name: 'meterPowerL3', address: 33261, type: 'i32', unit: 'W', quantity: 'powerL3W', positive: 'export', description: 'Meter active power C' },
    { name: 'meterPower', address: 33263, type: 'i32', unit: 'W', quantity: 'powerW', positive: 'export', description: 'Meter total active power' },
    { name: 'meterImportEnergy', address: 33283, divisor: 100, unit: 'kWh', quantity: 'energyImportWh', description: 'Meter total active energy from grid' },
  ],
});
