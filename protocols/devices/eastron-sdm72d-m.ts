// Eastron SDM72D-M (first generation): three-phase meter whose Modbus map only carries totals.
import { input } from './builders.js';
import type { DeviceDefinition } from '../modbus/registers.js';

export const eastronSdm72dM: DeviceDefinition = {
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
  registers: [
    input('totalSystemPower', 0x34, 'W', 'fast', 'Total system power', 'powerW'),
    input('importEnergyActive', 0x48, 'kWh', 'slow', 'Total import kWh', 'energyImportWh'),
    input('exportEnergyActive', 0x4a, 'kWh', 'slow', 'Total export kWh', 'energyExportWh'),
    input('totalEnergyActive', 0x156, 'kWh', 'slow', 'Total kWh (import + export)'),
    input('resettableTotalEnergyActive', 0x180, 'kWh', 'slow', 'Resettable total active energy'),
    input('resettableImportEnergyActive', 0x184, 'kWh', 'slow', 'Resettable import active energy'),
    input('resettableExportEnergyActive', 0x186, 'kWh', 'slow', 'Resettable export active energy'),
    input('totalImportPower', 0x500, 'W', 'fast', 'Total import active power', 'powerImportW'),
    input('totalExportPower', 0x502, 'W', 'fast', 'Total export active power', 'powerExportW'),
    { name: 'meterCode', address: 0xfc02, functionCode: 3, type: 'u16', poll: 'identity', description: 'Meter model code' },
  ],
  identification: [{ register: 'meterCode', anyOf: [132] }],
};
