// Janitza UMG 604 / UMG 96 RM family: the "frequently required measured values" table at
// 19000–19076 (float32, holding registers), which every UMG of the family carries.
import { defineDevice } from './define.js';

export const janitzaUmg604 = defineDevice({
  id: 'janitza-umg604',
  manufacturer: 'Janitza',
  model: 'UMG 604 / UMG 96 RM (19000 measured-value table)',
  description: 'Power analyser on CT inputs, Modbus RTU (RS-485) and Modbus TCP (UMG 604-PRO, UMG 96 RM-E).',
  source: {
    document: 'Janitza "Modbus address list and formulary" for UMG 604 / UMG 96RM, table of frequently required measured values (addresses 19000–19076)',
    version: 'edition referenced by mbmd (undated)',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/janitza.go @fb8f9c2 (0x4A38 = 19000 …)',
      'OpenEMS/openems io.openems.edge.meter.janitza umg604/MeterJanitzaUmg604Impl.java @0e4ea88',
    ],
    differences: [
      'OpenEMS reads the UMG 604 from its full measured-value table (1317 voltages, 1325 currents, 1333 powers, 1439 frequency, 9851/9863 energies) instead of the 19000 table; both are documented by Janitza, the 19000 table is shared by more models, so nabo uses it.',
      'mbmd reads energies as Wh and divides by 1000; nabo keeps Wh.',
    ],
    notes: ['Function 3, float32, high word first.', 'Vendor PDF not available offline when this file was written: addresses follow mbmd.'],
  },
  transports: ['rtu', 'tcp'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 100, forbidden: [] },
  defaults: { functionCode: 3, type: 'float32' },
  registers: [
    { name: 'voltageL1', address: 19000, unit: 'V', quantity: 'voltageL1V', description: 'U L1-N' },
    { name: 'voltageL2', address: 19002, unit: 'V', quantity: 'voltageL2V', description: 'U L2-N' },
    { name: 'voltageL3', address: 19004, unit: 'V', quantity: 'voltageL3V', description: 'U L3-N' },
    { name: 'currentL1', address: 19012, unit: 'A', quantity: 'currentL1A', description: 'I L1' },
    { name: 'currentL2', address: 19014, unit: 'A', quantity: 'currentL2A', description: 'I L2' },
    { name: 'currentL3', address: 19016, unit: 'A', quantity: 'currentL3A', description: 'I L3' },
    { name: 'powerL1', address: 19020, unit: 'W', quantity: 'powerL1W', positive: 'import', description: 'P L1' },
    { name: 'powerL2', address: 19022, unit: 'W', quantity: 'powerL2W', positive: 'import', description: 'P L2' },
    { name: 'powerL3', address: 19024, unit: 'W', quantity: 'powerL3W', positive: 'import', description: 'P L3' },
    { name: 'power', address: 19026, unit: 'W', quantity: 'powerW', positive: 'import', description: 'P sum L1..L3' },
    { name: 'cosPhiL1', address: 19044, description: 'cos φ L1' },
    { name: 'cosPhiL2', address: 19046, description: 'cos φ L2' },
    { name: 'cosPhiL3', address: 19048, description: 'cos φ L3' },
    { name: 'frequency', address: 19050, unit: 'Hz', quantity: 'frequencyHz', description: 'Frequency' },
    { name: 'energyImportL1', address: 19062, unit: 'Wh', description: 'Real energy L1, consumed' },
    { name: 'energyImportL2', address: 19064, unit: 'Wh', description: 'Real energy L2, consumed' },
    { name: 'energyImportL3', address: 19066, unit: 'Wh', description: 'Real energy L3, consumed' },
    { name: 'energyImport', address: 19068, unit: 'Wh', quantity: 'energyImportWh', description: 'Real energy L1..L3, consumed' },
    { name: 'energyExportL1', address: 19070, unit: 'Wh', description: 'Real energy L1, delivered' },
    { name: 'energyExportL2', address: 19072, unit: 'Wh', description: 'Real energy L2, delivered' },
    { name: 'energyExportL3', address: 19074, unit: 'Wh', description: 'Real energy L3, delivered' },
    { name: 'energyExport', address: 19076, unit: 'Wh', quantity: 'energyExportWh', description: 'Real energy L1..L3, delivered' },
  ],
});
