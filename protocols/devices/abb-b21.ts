// ABB B21 (single-phase EQ meter, Modbus RS-485 variant): the B23/B24 mapping, phase 1 only.
import { abbB23B24 } from './abb-b23-b24.js';
import type { DeviceDefinition } from '../modbus/registers.js';

/** The B-series registers a single-phase meter carries: totals, phase 1 and identity. */
const SINGLE_PHASE = new Set([
  'activeImport', 'activeExport', 'reactiveImport', 'reactiveExport', 'voltageL1', 'currentL1', 'activePower', 'reactivePower', 'apparentPower',
  'frequency', 'powerFactor', 'serialNumber', 'firmwareVersion', 'typeDesignation',
]);

export const abbB21: DeviceDefinition = {
  id: 'abb-b21',
  manufacturer: 'ABB',
  model: 'B21 (Modbus RTU)',
  description: 'Single-phase DIN-rail energy meter, 65 A direct, MID, RS-485 Modbus.',
  source: {
    document: 'ABB B21 User Manual 2CMC485004M0201, chapter "Communication with Modbus" (same EQ-meter mapping tables as the B23/B24)',
    version: 'Revision A (2013); mapping identical to the B23/B24 manual used for abb-b23-b24',
    crossChecks: ['volkszaehler/mbmd meters/rs485/abb.go @fb8f9c2 (one producer for the whole B series)', 'victronenergy/dbus-modbus-client abb.py (type designation "B21 " at 0x8960)'],
    differences: ['mbmd reads every phase on every B meter; a B21 answers the L2/L3 registers with the not-available pattern, so nabo lists phase 1 only.'],
    notes: [
      'Holding registers only, scaled big-endian integers; not-available values as for the B23/B24.',
      'The type designation at 0x8960 reads "B21 " (0x42323120); not yet used for recognition by nabo scan.',
    ],
  },
  transports: ['rtu'],
  defaultUnitId: 1,
  limits: abbB23B24.limits,
  registers: abbB23B24.registers.filter((r) => SINGLE_PHASE.has(r.name)),
};
