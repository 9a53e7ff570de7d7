// Carlo Gavazzi EM340 (EM300 series): three-phase meter, scaled INT32 low word first.
import { scaled } from './builders.js';
import { carloGavazziInstantaneous, i32LowFirst } from './carlo-gavazzi-common.js';
import type { DeviceDefinition } from '../modbus/registers.js';

const i32 = i32LowFirst;

export const carloGavazziEm340: DeviceDefinition = {
  id: 'carlo-gavazzi-em340',
  manufacturer: 'Carlo Gavazzi',
  model: 'EM340',
  description: 'Three-phase DIN-rail energy meter, 65 A direct, MID, bidirectional, RS-485 Modbus RTU.',
  source: {
    document: 'Carlo Gavazzi EM300 Series and ET300 Series Communication Protocol (§2.4 instantaneous variables and meters)',
    version: 'Version 2 Revision 17 (2021-07-05); Version 2 Revision 9 transcription',
    crossChecks: [
      'volkszaehler/mbmd meters/rs485/carlogavazzi-ex3x0.go @097c9ca',
      'martgras/esphome-modbus em340/EM340.yaml @e6b9f22 (S_DWORD_R = low word first)',
    ],
    notes: [
      'Request limit 50 registers: the EM300-series read limit as we understand it; not confirmed in the excerpts we could read, so kept conservative.',
      'W and kWh scale by 1/10, A by 1/1000, PF by 1/1000, Hz by 1/10.',
      'No identification signature: the identification code register was not confirmed for this series.',
    ],
  },
  transports: ['rtu'],
  serialDefaults: { baudRate: 9600, parity: 'none', stopBits: 1 },
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 50, forbidden: [] },
  registers: [
    ...carloGavazziInstantaneous,
    scaled('powerFactorL1', 0x2e, 'i16', '', 'slow', 'PF L1', undefined, { divisor: 1000 }),
    scaled('powerFactorL2', 0x2f, 'i16', '', 'slow', 'PF L2', undefined, { divisor: 1000 }),
    scaled('powerFactorL3', 0x30, 'i16', '', 'slow', 'PF L3', undefined, { divisor: 1000 }),
    scaled('powerFactor', 0x31, 'i16', '', 'fast', 'PF system', 'powerFactor', { divisor: 1000 }),
    scaled('phaseSequence', 0x32, 'i16', '', 'slow', 'Phase sequence: 0 = L1-L2-L3, -1 = L1-L3-L2', undefined, {}),
    scaled('frequency', 0x33, 'i16', 'Hz', 'fast', 'Hz', 'frequencyHz', { divisor: 10 }),
    scaled('energyImport', 0x34, 'i32', 'kWh', 'slow', 'kWh (+) TOT', 'energyImportWh', { ...i32, divisor: 10 }),
    scaled('energyImportL1', 0x40, 'i32', 'kWh', 'slow', 'kWh (+) L1', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL2', 0x42, 'i32', 'kWh', 'slow', 'kWh (+) L2', undefined, { ...i32, divisor: 10 }),
    scaled('energyImportL3', 0x44, 'i32', 'kWh', 'slow', 'kWh (+) L3', undefined, { ...i32, divisor: 10 }),
    scaled('energyExport', 0x4e, 'i32', 'kWh', 'slow', 'kWh (-) TOT', 'energyExportWh', { ...i32, divisor: 10 }),
  ],
};
