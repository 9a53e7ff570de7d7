// Sungrow SH-RT / SH-RS hybrid inverters: input registers (manual numbers minus one), 32-bit
// values low word first; battery power is a magnitude whose direction is a status bit on
// older firmware, so the sign is taken from the power-flow status (bit 0x2 = charging).
import { defineDevice } from './define.js';

export const sungrowSh = defineDevice({
  id: 'sungrow-sh',
  manufacturer: 'Sungrow',
  model: 'SH-RT / SH-RS hybrid (with SBR battery and DTSU666 meter)',
  description: 'Hybrid PV inverter with battery and grid meter, Modbus TCP (WiNet-S LAN or internal LAN) or RS-485.',
  category: 'hybrid-inverter',
  source: {
    document: 'Sungrow "Communication Protocol of Residential Hybrid Inverter" (TI_20211231_Communication Protocol of Residential Hybrid Inverter_V1.0.23)',
    version: 'V1.0.23 (2021-12-31) as cited by the readers below; register numbers are 1-based in the document',
    crossChecks: [
      'mkaiser/Sungrow-SHx-Inverter-Modbus-Home-Assistant modbus_sungrow.yaml @63beec6',
      'evcc-io/evcc templates/definition/meter/sungrow-hybrid.yaml @b29b49e',
    ],
    differences: [
      'Battery power 13021: mkaiser notes that firmware from October 2024 sends it signed (positive charging) while older firmware sends a magnitude; evcc negates it when the charging bit or a negative battery current says so. nabo takes |value| and the sign from bit 0x2 of 13000, which both sources use for "charging", so both firmware generations decode alike.',
      'Export power 13009 is positive on export (mkaiser "Export power raw", evcc scale -1).',
      'Battery SoC 13022: mkaiser reads U16, evcc I16, both at 0.1 %; U16 is used.',
    ],
    notes: ['Unit id 1; the WiNet-S dongle wants at most a few requests per second.'],
  },
  transports: ['tcp', 'rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 4, type: 'u32', wordOrder: 'low-first' },
  registers: [
    { name: 'totalDcPower', address: 5016, unit: 'W', quantity: 'pvDcPowerW', description: 'Total DC power (reg 5017)' },
    { name: 'voltageL1', address: 5018, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL1V', description: 'Phase A voltage (reg 5019)' },
    { name: 'voltageL2', address: 5019, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL2V', description: 'Phase B voltage (reg 5020)' },
    { name: 'voltageL3', address: 5020, type: 'u16', divisor: 10, unit: 'V', quantity: 'voltageL3V', description: 'Phase C voltage (reg 5021)' },
    { name: 'powerFlowStatus', address: 13000, type: 'u16', poll: 'fast', description: 'System state / power flow status (bit 0x2 battery charging)' },
    { name: 'totalPvGeneration', address: 13002, divisor: 10, unit: 'kWh', quantity: 'pvEnergyWh', description: 'Total PV generation (reg 13003)' },
    { name: 'exportPower', address: 13009, type: 'i32', unit: 'W', quantity: 'powerW', positive: 'export', description: 'Export power (reg 13010), negative when importing' },
    { name: 'batteryPower', address: 13021, type: 'i16', unit: 'W', quantity: 'batteryPowerW', signFrom: { register: 'powerFlowStatus', mask: 0x2, set: 'charge' }, description: 'Battery power (reg 13022)' },
    { name: 'batterySoc', address: 13022, type: 'u16', divisor: 10, unit: '%', quantity: 'socPercent', description: 'Battery level (reg 13023)' },
    { name: 'batteryDischargeEnergy', address: 13026, divisor: 10, unit: 'kWh', description: 'Total battery discharge energy (reg 13027)' },
    { name: 'totalImportEnergy', address: 13036, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'Total import energy (reg 13037)' },
  ],
});
