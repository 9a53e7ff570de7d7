// Eastron SDM72D-M (first generation): three-phase meter whose Modbus map only carries totals.
import { defineDevice } from './define.js';

export const eastronSdm72dM = defineDevice({
  id: 'eastron-sdm72d-m',
  manufacturer: 'Eastron',
  model: 'SDM72D-M',
  description: 'Three-phase DIN-rail energy meter, 100 A direct; first generation, totals only.',
  source: {
    document: 'Eastron SDM72D-M User Manual, Part 3 Modbus Protocol, input register table (B+G e-tech edition)',
    version: 'V1.5 (first-generation meter, code 132)',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/sdm72.go (power 0x34, import 0x48, export 0x4A, total 0x156)',
      'Victron community Eastron module: meter code 132 at holding 0xFC02',
    ],
    notes: [
      'The first generation has no voltage or current registers; use eastron-sdm72d-m-v2 for the second.',
      'The manual limits a request to 30 parameters (60 registers); more is answered with an exception.',
      'Total kWh is import + export, as the manual notes.',
    ],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 60, forbidden: [] },
  defaults: { functionCode: 4, type: 'float32' },
  registers: [
    { name: 'totalSystemPower', address: 0x34, unit: 'W', quantity: 'powerW', description: 'Total system power' },
    { name: 'importEnergyActive', address: 0x48, unit: 'kWh', quantity: 'energyImportWh', description: 'Total import kWh' },
    { name: 'exportEnergyActive', address: 0x4a, unit: 'kWh', quantity: 'energyExportWh', description: 'Total export kWh' },
    { name: 'totalEnergyActive', address: 0x156, unit: 'kWh', description: 'Total kWh (import + export)' },
    { name: 'resettableTotalEnergyActive', address: 0x180, unit: 'kWh', description: 'Resettable total active energy' },
    { name: 'resettableImportEnergyActive', address: 0x184, unit: 'kWh', description: 'Resettable import active energy' },
    { name: 'resettableExportEnergyActive', address: 0x186, unit: 'kWh', description: 'Resettable export active energy' },
    { name: 'totalImportPower', address: 0x500, unit: 'W', quantity: 'powerImportW', description: 'Total import active power' },
    { name: 'totalExportPower', address: 0x502, unit: 'W', quantity: 'powerExportW', description: 'Total export active power' },
    { name: 'meterCode', address: 0xfc02, functionCode: 3, type: 'u16', poll: 'identity', description: 'Meter model code' },
  ],
  identification: [{ register: 'meterCode', anyOf: [132] }],
});
