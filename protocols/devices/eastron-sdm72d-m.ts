// Eastron SDM72D-M (first generation): three-phase meter whose Modbus map only carries totals.
import { input } from './builders.js';
import type { DeviceDefinition } from '../modbus/registers.js';

export const eastronSdm72dM: DeviceDefinition = {
  id: 'eastron-sdm72d-m',
  manufacturer: 'Eastron',
  model: 'SDM72D-M',
  description: 'Three-phase DIN-rail energy meter, 100 A direct; first generation, totals only.',
  source: {
    document: 'Eastron SDM72D-M user manual, Modbus protocol section (SDM72DM-manual.pdf)',
    version: 'first generation (meter code 132)',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/sdm72.go (power 0x34, import 0x48, export 0x4A, total 0x156)',
      'Victron community Eastron module: meter code 132 at holding 0xFC02',
    ],
    notes: ['The first generation has no voltage or current registers; use eastron-sdm72d-m-v2 for the second.'],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 80, forbidden: [] },
  registers: [
    input('totalSystemPower', 0x34, 'W', 'fast', 'Total system power', 'powerW'),
    input('importEnergyActive', 0x48, 'kWh', 'slow', 'Total import kWh', 'energyImportWh'),
    input('exportEnergyActive', 0x4a, 'kWh', 'slow', 'Total export kWh', 'energyExportWh'),
    input('totalEnergyActive', 0x156, 'kWh', 'slow', 'Total kWh (import + export)'),
    { name: 'meterCode', address: 0xfc02, functionCode: 3, type: 'u16', poll: 'identity', description: 'Meter model code' },
  ],
  identification: [{ register: 'meterCode', anyOf: [132] }],
};
