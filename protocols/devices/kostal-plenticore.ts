// KOSTAL PLENTICORE plus / PLENTICORE G2 hybrid inverters: Kostal's own float32 map, sent low
// word first unless the installer switched the Modbus byte order to "big-endian" (ABCD).
import { defineDevice } from './define.js';

export const kostalPlenticore = defineDevice({
  id: 'kostal-plenticore',
  manufacturer: 'KOSTAL',
  model: 'PLENTICORE plus / PLENTICORE G2 (Kostal Modbus map, little-endian word order)',
  description: 'Hybrid PV inverter with BYD or other battery, Modbus TCP on port 1502, unit id 71.',
  category: 'hybrid-inverter',
  source: {
    document: 'KOSTAL "Interface MODBUS-TCP / SunSpec" for PLENTICORE plus and PIKO IQ (BA_KOSTAL_Interface_MODBUS-TCP_SunSpec), Modbus register table',
    version: '03/2019, the copy kept in OpenEMS/openems io.openems.edge.pvinverter.kostal/doc (read for this table)',
    crossChecks: [
      'OpenEMS/openems io.openems.edge.kostal plenticore/ess/KostalManagedEssImpl.java and plenticore/pvinverter/KostalPvInverterImpl.java @0e4ea88 (WordOrder.LSWMSW)',
      'evcc-io/evcc templates/definition/meter/kostal-plenticore-gen2.yaml @b29b49e (1056 total DC PV energy, float32s unless endianness big)',
    ],
    differences: [
      'evcc reads PV and battery power through the inverter\'s SunSpec models (160, 802) rather than this map; nabo reads the Kostal map, the generic sunspec device covers the other path.',
      'Battery power 582 is S16 in the interface description ("Actual battery charge/discharge power") and in OpenEMS, which maps it to the storage\'s active power (discharge positive).',
      'Total DC PV energy 1056 is not in the 03/2019 register table; it comes from evcc (newer firmware, G2). Total yield 320 (AC, includes battery discharge) is listed without a quantity.',
    ],
    notes: ['Word order: low word first by default ("CDAB"); a device switched to big-endian needs a copy of this file with wordOrder high-first.'],
  },
  transports: ['tcp'],
  defaultUnitId: 71,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'float32', wordOrder: 'low-first' },
  registers: [
    { name: 'totalDcPower', address: 100, unit: 'W', quantity: 'pvDcPowerW', description: 'Total DC power' },
    { name: 'gridFrequency', address: 152, unit: 'Hz', quantity: 'frequencyHz', description: 'Grid frequency' },
    { name: 'currentL1', address: 154, unit: 'A', quantity: 'currentL1A', description: 'Current phase 1' },
    { name: 'activePowerL1', address: 156, unit: 'W', description: 'Active power phase 1' },
    { name: 'voltageL1', address: 158, unit: 'V', quantity: 'voltageL1V', description: 'Voltage phase 1' },
    { name: 'currentL2', address: 160, unit: 'A', quantity: 'currentL2A', description: 'Current phase 2' },
    { name: 'activePowerL2', address: 162, unit: 'W', description: 'Active power phase 2' },
    { name: 'voltageL2', address: 164, unit: 'V', quantity: 'voltageL2V', description: 'Voltage phase 2' },
    { name: 'currentL3', address: 166, unit: 'A', quantity: 'currentL3A', description: 'Current phase 3' },
    { name: 'activePowerL3', address: 168, unit: 'W', description: 'Active power phase 3' },
    { name: 'voltageL3', address: 170, unit: 'V', quantity: 'voltageL3V', description: 'Voltage phase 3' },
    { name: 'totalAcActivePower', address: 172, unit: 'W', description: 'Total AC active power (PV and battery)' },
    { name: 'reactivePower', address: 174, unit: 'var', description: 'Total AC reactive power' },
    { name: 'batterySoc', address: 210, unit: '%', quantity: 'socPercent', description: 'Actual state of charge' },
    { name: 'batteryVoltage', address: 216, unit: 'V', description: 'Battery voltage' },
    { name: 'totalYield', address: 320, unit: 'Wh', description: 'Total yield (AC)' },
    { name: 'batteryActualSoc', address: 514, type: 'u16', unit: '%', description: 'Battery actual SOC (integer)' },
    { name: 'maxApparentPower', address: 531, type: 'u16', unit: 'VA', poll: 'identity', description: 'Inverter max power' },
    { name: 'batteryPower', address: 582, type: 'i16', unit: 'W', quantity: 'batteryPowerW', positive: 'discharge', description: 'Actual battery charge (-) / discharge (+) power' },
    { name: 'totalDcPvEnergy', address: 1056, unit: 'Wh', quantity: 'pvEnergyWh', description: 'Total DC PV energy (sum of all inputs)' },
  ],
});
