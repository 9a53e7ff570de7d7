// SMA Sunny Tripower / Sunny Boy (SMA Modbus profile, not SunSpec): 32-bit and 64-bit values at
// SMA's own register numbers, NaN patterns for "no value", unit id 3.
import { defineDevice } from './define.js';

export const smaSunnyTripower = defineDevice({
  id: 'sma-sunny-tripower',
  manufacturer: 'SMA',
  model: 'Sunny Tripower / Sunny Boy (SMA Modbus profile)',
  description: 'PV string inverter over Modbus TCP (Speedwire), SMA register profile.',
  category: 'pv-inverter',
  source: {
    document: 'SMA "Modbus® interface, SMA Modbus profile – assignment table" for Sunny Tripower (STPxx-3AV-40 / STPxxTL-30)',
    version: 'MODBUS-HTML_STP…-3AV-40 assignment table as referenced by evcc (undated)',
    crossChecks: ['evcc-io/evcc templates/definition/meter/sma-inverter-modbus.yaml @b29b49e (30775 GridMs.TotW, 30513 Metering.TotWhOut)', 'OpenEMS/openems io.openems.edge.sma (Sunny Island map, same profile conventions: NaN 0x80000000 for S32)'],
    differences: ['evcc reads 30775 with function 4 and 30513 with function 3; SMA answers both for 30xxx registers; nabo uses 3 throughout.'],
    notes: [
      'Unit id 3 (SMA default for Modbus TCP).',
      'No value: S32 0x80000000, U32 0xFFFFFFFF (some firmware 0x00000000 at night), U64 0xFFFFFFFFFFFFFFFF.',
      'Phase voltages and frequency follow the assignment table; only the power and energy registers are confirmed by the second source.',
    ],
  },
  transports: ['tcp'],
  defaultUnitId: 3,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'u32', notImplemented: { i32: [-0x80000000], u32: [0xffffffff], u64: [2 ** 64] } },
  registers: [
    { name: 'totalYield', address: 30513, type: 'u64', unit: 'Wh', quantity: 'pvEnergyWh', description: 'Metering.TotWhOut, total yield' },
    { name: 'dcPowerA', address: 30773, type: 'i32', unit: 'W', description: 'DcMs.Watt[1], DC power input A' },
    { name: 'acPower', address: 30775, type: 'i32', unit: 'W', quantity: 'pvAcPowerW', description: 'GridMs.TotW, AC active power' },
    { name: 'voltageL1', address: 30783, divisor: 100, unit: 'V', quantity: 'voltageL1V', description: 'GridMs.PhV.phsA' },
    { name: 'voltageL2', address: 30785, divisor: 100, unit: 'V', quantity: 'voltageL2V', description: 'GridMs.PhV.phsB' },
    { name: 'voltageL3', address: 30787, divisor: 100, unit: 'V', quantity: 'voltageL3V', description: 'GridMs.PhV.phsC' },
    { name: 'gridFrequency', address: 30803, divisor: 100, unit: 'Hz', quantity: 'frequencyHz', description: 'GridMs.Hz' },
    { name: 'dcPowerB', address: 30961, type: 'i32', unit: 'W', description: 'DcMs.Watt[2], DC power input B' },
  ],
});
