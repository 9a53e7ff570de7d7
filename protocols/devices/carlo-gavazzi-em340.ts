// Carlo Gavazzi EM340 (EM300 series): three-phase meter, scaled INT32 low word first.
import { defineDevice } from './define.js';
import { carloGavazziDefaults, carloGavazziInstantaneous } from './carlo-gavazzi-common.js';

export const carloGavazziEm340 = defineDevice({
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
      'OpenEMS/openems io.openems.edge.meter.carlo.gavazzi em300/MeterCarloGavazziEm300Impl.java @0e4ea88 (0x00–0x2C LSWMSW, Hz at 0x33, kWh (+) 0x34, kWh (-) 0x4E)',
      'a public reader of the Gewiss GNM3D, an OEM meter on the same EM300 protocol (nabo search index file 5266241560, repository not identified): 0x36 kvarh (+) TOT, 0x38 kW dmd, 0x3A kW dmd peak, 0x50 kvarh (-) TOT, all INT32 low word first',
    ],
    differences: [
      'mbmd reads neither the reactive energies nor the demand values; the GNM3D reader scales demand in 1/10000 kW, the same 1/10 W the instantaneous powers use here.',
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
  defaults: carloGavazziDefaults,
  registers: [
    ...carloGavazziInstantaneous,
    { name: 'powerFactorL1', address: 0x2e, type: 'i16', divisor: 1000, description: 'PF L1' },
    { name: 'powerFactorL2', address: 0x2f, type: 'i16', divisor: 1000, description: 'PF L2' },
    { name: 'powerFactorL3', address: 0x30, type: 'i16', divisor: 1000, description: 'PF L3' },
    { name: 'powerFactor', address: 0x31, type: 'i16', divisor: 1000, quantity: 'powerFactor', description: 'PF system' },
    { name: 'phaseSequence', address: 0x32, type: 'i16', description: 'Phase sequence: 0 = L1-L2-L3, -1 = L1-L3-L2' },
    { name: 'frequency', address: 0x33, type: 'i16', divisor: 10, unit: 'Hz', quantity: 'frequencyHz', description: 'Hz' },
    { name: 'energyImport', address: 0x34, divisor: 10, unit: 'kWh', quantity: 'energyImportWh', description: 'kWh (+) TOT' },
    { name: 'reactiveEnergyImport', address: 0x36, divisor: 10, unit: 'kvarh', quantity: 'reactiveEnergyImportVarh', description: 'kvarh (+) TOT' },
    { name: 'demandPower', address: 0x38, divisor: 10, unit: 'W', description: 'W dmd (demand over the integration time)' },
    { name: 'demandPowerPeak', address: 0x3a, divisor: 10, unit: 'W', description: 'W dmd peak' },
    { name: 'energyImportL1', address: 0x40, divisor: 10, unit: 'kWh', description: 'kWh (+) L1' },
    { name: 'energyImportL2', address: 0x42, divisor: 10, unit: 'kWh', description: 'kWh (+) L2' },
    { name: 'energyImportL3', address: 0x44, divisor: 10, unit: 'kWh', description: 'kWh (+) L3' },
    { name: 'energyExport', address: 0x4e, divisor: 10, unit: 'kWh', quantity: 'energyExportWh', description: 'kWh (-) TOT' },
    { name: 'reactiveEnergyExport', address: 0x50, divisor: 10, unit: 'kvarh', quantity: 'reactiveEnergyExportVarh', description: 'kvarh (-) TOT' },
  ],
});
