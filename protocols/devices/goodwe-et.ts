// GoodWe ET / EH / BT / BH hybrid inverters (ARM firmware 745 protocol): PV, battery and the
// GM3000 grid meter through the inverter's holding registers 35100 ff., 36000 ff., 37000 ff.
import { defineDevice } from './define.js';

export const goodweEt = defineDevice({
  id: 'goodwe-et',
  manufacturer: 'GoodWe',
  model: 'ET / EH / BT / BH hybrid (with GM3000 meter)',
  description: 'Three-phase hybrid inverter with battery and smart meter, Modbus TCP (LAN/WiFi kit) or RS-485.',
  category: 'hybrid-inverter',
  source: {
    document: 'GoodWe "ARM 745 platform Modbus protocol" for ET/EH/BT/BH (hybrid inverter register list 35000–37xxx)',
    version: 'edition referenced by evcc and OpenEMS (undated)',
    crossChecks: ['evcc-io/evcc templates/definition/meter/goodwe-hybrid.yaml @b29b49e', 'OpenEMS/openems io.openems.edge.goodwe common/AbstractGoodWe.java and gridmeter/GoodWeGridMeterImpl.java @0e4ea88'],
    differences: [
      'Total energy bought (36017, float32): evcc reads Wh (scale 0.001 to kWh), OpenEMS reads 0.1 kWh; the factor of 100 between them is unresolved, so the counter is listed without a quantity.',
      'There is no total PV power register both sources read: evcc sums PV1–PV4 (35105, 35109, 35113, 35117); they are listed without a quantity.',
      'Meter total active power 36025 is positive on export (evcc flips it with scale -1); battery power 35182 is positive on discharge in both.',
    ],
    notes: ['Function 3; unit id 247 on the LAN kit, 1 on RS-485 (both seen in the field).', 'Not available: U16 0xFFFF, U32 0xFFFFFFFF.'],
  },
  transports: ['tcp', 'rtu'],
  defaultUnitId: 247,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'u32', notImplemented: { u16: [0xffff], u32: [0xffffffff] } },
  registers: [
    { name: 'pv1Power', address: 35105, unit: 'W', description: 'PV1 power' },
    { name: 'pv2Power', address: 35109, unit: 'W', description: 'PV2 power' },
    { name: 'pv3Power', address: 35113, unit: 'W', description: 'PV3 power' },
    { name: 'pv4Power', address: 35117, unit: 'W', description: 'PV4 power' },
    { name: 'battery1Power', address: 35182, type: 'i32', unit: 'W', quantity: 'batteryPowerW', positive: 'discharge', description: 'Battery 1 power' },
    { name: 'pvEnergyTotal', address: 35191, divisor: 10, unit: 'kWh', quantity: 'pvEnergyWh', description: 'PV energy total' },
    { name: 'batteryDischargeEnergy', address: 35209, divisor: 10, unit: 'kWh', description: 'Battery discharge energy total' },
    { name: 'energyTotalBuy', address: 36017, type: 'float32', description: 'E-Total-Buy (unit disputed, see differences)' },
    { name: 'meterPowerL1', address: 36019, type: 'i32', unit: 'W', quantity: 'powerL1W', positive: 'export', description: 'Meter active power R' },
    { name: 'meterPowerL2', address: 36021, type: 'i32', unit: 'W', quantity: 'powerL2W', positive: 'export', description: 'Meter active power S' },
    { name: 'meterPowerL3', address: 36023, type: 'i32', unit: 'W', quantity: 'powerL3W', positive: 'export', description: 'Meter active power T' },
    { name: 'meterTotalPower', address: 36025, type: 'i32', unit: 'W', quantity: 'powerW', positive: 'export', description: 'Meter total active power' },
    { name: 'meterVoltageL1', address: 36052, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL1V', description: 'Meter voltage R' },
    { name: 'meterVoltageL2', address: 36053, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL2V', description: 'Meter voltage S' },
    { name: 'meterVoltageL3', address: 36054, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL3V', description: 'Meter voltage T' },
    { name: 'meterCurrentL1', address: 36055, type: 'u16', divisor: 10, unit: 'A', quantity: 'currentL1A', description: 'Meter current R' },
    { name: 'meterCurrentL2', address: 36056, type: 'u16', divisor: 10, unit: 'A', quantity: 'currentL2A', description: 'Meter current S' },
    { name: 'meterCurrentL3', address: 36057, type: 'u16', divisor: 10, unit: 'A', quantity: 'currentL3A', description: 'Meter current T' },
    { name: 'battery1Soc', address: 37007, type: 'u16', unit: '%', quantity: 'socPercent', description: 'Battery 1 SoC (BMS)' },
  ],
});
