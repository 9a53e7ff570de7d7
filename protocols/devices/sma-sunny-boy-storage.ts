// SMA Sunny Boy Storage (AC-coupled battery inverter, SMA Modbus profile): its AC power is the
// battery's power, positive when discharging into the house.
import { defineDevice } from './define.js';

export const smaSunnyBoyStorage = defineDevice({
  id: 'sma-sunny-boy-storage',
  manufacturer: 'SMA',
  model: 'Sunny Boy Storage 2.5 / 3.7–6.0 (SMA Modbus profile)',
  description: 'AC-coupled battery inverter over Modbus TCP (Speedwire), SMA register profile.',
  category: 'battery-inverter',
  source: {
    document: 'SMA "Modbus® interface, SMA Modbus profile – assignment table" for Sunny Boy Storage (SBS2.5-1VL-10, SBS3.7…6.0-10)',
    version: 'assignment table as referenced by evcc (undated)',
    crossChecks: [
      'evcc-io/evcc templates/definition/meter/sma-sbs-modbus.yaml @b29b49e (30775, 30513, 30845)',
      'OpenEMS/openems io.openems.edge.sma sunnyisland/EssSmaSunnyIslandImpl.java @0e4ea88 (same SMA profile: 30775 S32 active power of the battery inverter, 30845 U32 SoC)',
    ],
    differences: ['evcc uses 30775 as the battery power and 30845 as SoC, as nabo does; evcc reads 30775 with function 4, nabo with 3 (SMA answers both).'],
    notes: ['Unit id 3.', 'No value: S32 0x80000000, U32 0xFFFFFFFF, U64 0xFFFFFFFFFFFFFFFF.'],
  },
  transports: ['tcp'],
  defaultUnitId: 3,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'u32', notImplemented: { i32: [-0x80000000], u32: [0xffffffff], u64: [2 ** 64] } },
  registers: [
    { name: 'totalAcEnergyOut', address: 30513, type: 'u64', unit: 'Wh', description: 'Metering.TotWhOut, total AC energy fed' },
    { name: 'acPower', address: 30775, type: 'i32', unit: 'W', quantity: 'batteryPowerW', positive: 'discharge', description: 'GridMs.TotW, AC active power (battery discharging > 0)' },
    { name: 'batterySoc', address: 30845, unit: '%', quantity: 'socPercent', description: 'Bat.ChaStt, battery state of charge' },
  ],
});
