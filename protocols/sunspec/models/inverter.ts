// Inverter monitoring models: 101/102/103 (single, split, three phase; integers with scale
// factors, 50 registers) and 111/112/113 (the same points as float32, 60 registers).
// Sources: sunspec/models json/model_101.json @ 2136f073c4779b47d21bae4e89cd8278aec8a681 and
//   model_103.json @ 241057a11d8cd82ca1c2c7e69a7eb4b210169bb1 (same points; 102 shares them)
//   json/model_111.json @ 2136f073c4779b47d21bae4e89cd8278aec8a681 (112/113 share its layout)
import { defineModel, type ModelDef, type PointSpec } from '../types.js';

export const INVERTER_STATES: Readonly<Record<number, string>> = {
  1: 'OFF',
  2: 'SLEEPING',
  3: 'STARTING',
  4: 'MPPT',
  5: 'THROTTLED',
  6: 'SHUTTING_DOWN',
  7: 'FAULT',
  8: 'STANDBY',
};

export const INVERTER_EVENTS: Readonly<Record<number, string>> = {
  0: 'GROUND_FAULT',
  1: 'DC_OVER_VOLT',
  2: 'AC_DISCONNECT',
  3: 'DC_DISCONNECT',
  4: 'GRID_DISCONNECT',
  5: 'CABINET_OPEN',
  6: 'MANUAL_SHUTDOWN',
  7: 'OVER_TEMP',
  8: 'OVER_FREQUENCY',
  9: 'UNDER_FREQUENCY',
  10: 'AC_OVER_VOLT',
  11: 'AC_UNDER_VOLT',
  12: 'BLOWN_STRING_FUSE',
  13: 'UNDER_TEMP',
  14: 'MEMORY_LOSS',
  15: 'HW_TEST_FAILURE',
};

const TAIL: PointSpec[] = [
  ['St', 'enum16', { symbols: INVERTER_STATES }],
  ['StVnd', 'enum16'],
  ['Evt1', 'bitfield32', { symbols: INVERTER_EVENTS }],
  ['Evt2', 'bitfield32'],
  ['EvtVnd1', 'bitfield32'],
  ['EvtVnd2', 'bitfield32'],
  ['EvtVnd3', 'bitfield32'],
  ['EvtVnd4', 'bitfield32'],
];

const INTEGER_POINTS: PointSpec[] = [
  ['A', 'uint16', { sf: 'A_SF', units: 'A' }],
  ['AphA', 'uint16', { sf: 'A_SF', units: 'A' }],
  ['AphB', 'uint16', { sf: 'A_SF', units: 'A' }],
  ['AphC', 'uint16', { sf: 'A_SF', units: 'A' }],
  ['A_SF', 'sunssf'],
  ['PPVphAB', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['PPVphBC', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['PPVphCA', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['PhVphA', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['PhVphB', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['PhVphC', 'uint16', { sf: 'V_SF', units: 'V' }],
  ['V_SF', 'sunssf'],
  ['W', 'int16', { sf: 'W_SF', units: 'W' }],
  ['W_SF', 'sunssf'],
  ['Hz', 'uint16', { sf: 'Hz_SF', units: 'Hz' }],
  ['Hz_SF', 'sunssf'],
  ['VA', 'int16', { sf: 'VA_SF', units: 'VA' }],
  ['VA_SF', 'sunssf'],
  ['VAr', 'int16', { sf: 'VAr_SF', units: 'var' }],
  ['VAr_SF', 'sunssf'],
  ['PF', 'int16', { sf: 'PF_SF', units: 'Pct' }],
  ['PF_SF', 'sunssf'],
  ['WH', 'acc32', { sf: 'WH_SF', units: 'Wh' }],
  ['WH_SF', 'sunssf'],
  ['DCA', 'uint16', { sf: 'DCA_SF', units: 'A' }],
  ['DCA_SF', 'sunssf'],
  ['DCV', 'uint16', { sf: 'DCV_SF', units: 'V' }],
  ['DCV_SF', 'sunssf'],
  ['DCW', 'int16', { sf: 'DCW_SF', units: 'W' }],
  ['DCW_SF', 'sunssf'],
  ['TmpCab', 'int16', { sf: 'Tmp_SF', units: 'C' }],
  ['TmpSnk', 'int16', { sf: 'Tmp_SF', units: 'C' }],
  ['TmpTrns', 'int16', { sf: 'Tmp_SF', units: 'C' }],
  ['TmpOt', 'int16', { sf: 'Tmp_SF', units: 'C' }],
  ['Tmp_SF', 'sunssf'],
  ...TAIL,
];

const f = (name: string, units: string): PointSpec => [name, 'float32', { units }];

const FLOAT_POINTS: PointSpec[] = [
  f('A', 'A'),
  f('AphA', 'A'),
  f('AphB', 'A'),
  f('AphC', 'A'),
  f('PPVphAB', 'V'),
  f('PPVphBC', 'V'),
  f('PPVphCA', 'V'),
  f('PhVphA', 'V'),
  f('PhVphB', 'V'),
  f('PhVphC', 'V'),
  f('W', 'W'),
  f('Hz', 'Hz'),
  f('VA', 'VA'),
  f('VAr', 'var'),
  f('PF', 'Pct'),
  f('WH', 'Wh'),
  f('DCA', 'A'),
  f('DCV', 'V'),
  f('DCW', 'W'),
  f('TmpCab', 'C'),
  f('TmpSnk', 'C'),
  f('TmpTrns', 'C'),
  f('TmpOt', 'C'),
  ...TAIL,
];

const SRC_INT = 'sunspec/models json/model_101.json @ 2136f073';
const SRC_FLOAT = 'sunspec/models json/model_111.json @ 2136f073';

export const MODEL_101 = defineModel(101, 'inverter', 'Inverter (Single Phase)', SRC_INT, INTEGER_POINTS);
export const MODEL_102 = defineModel(102, 'inverter', 'Inverter (Split Phase)', SRC_INT, INTEGER_POINTS);
export const MODEL_103 = defineModel(103, 'inverter', 'Inverter (Three Phase)', SRC_INT, INTEGER_POINTS);
export const MODEL_111 = defineModel(111, 'inverter', 'Inverter (Single Phase) FLOAT', SRC_FLOAT, FLOAT_POINTS);
export const MODEL_112 = defineModel(112, 'inverter', 'Inverter (Split Phase) FLOAT', SRC_FLOAT, FLOAT_POINTS);
export const MODEL_113 = defineModel(113, 'inverter', 'Inverter (Three Phase) FLOAT', SRC_FLOAT, FLOAT_POINTS);
