// AC meter models 201 (single phase), 202 (split phase), 203 (wye three phase), 204 (delta
// three phase): one 105-register layout, integers with scale factors.
// Source: sunspec/models json/model_201.json @ 0d6e5022c6d6fa6c098b0c5a4840f893510d4bb8
//   (202/203/204 share the layout; only ID and label differ)
import { defineModel, type ModelDef, type PointSpec } from '../types.js';

export const METER_EVENTS: Readonly<Record<number, string>> = {
  2: 'Power_Failure',
  3: 'Under_Voltage',
  4: 'Low_PF',
  5: 'Over_Current',
  6: 'Over_Voltage',
  7: 'Missing_Sensor',
};

const phased = (base: string, type: 'int16' | 'acc32', sf: string, units: string, suffix: 'ph' | 'Ph'): PointSpec[] => [
  [base, type, { sf, units }],
  [`${base}${suffix}A`, type, { sf, units }],
  [`${base}${suffix}B`, type, { sf, units }],
  [`${base}${suffix}C`, type, { sf, units }],
];

const METER_POINTS: PointSpec[] = [
  ...phased('A', 'int16', 'A_SF', 'A', 'ph'),
  ['A_SF', 'sunssf'],
  ['PhV', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphA', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphB', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphC', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PPV', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PPVphAB', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PPVphBC', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PPVphCA', 'int16', { sf: 'V_SF', units: 'V' }],
  ['V_SF', 'sunssf'],
  ['Hz', 'int16', { sf: 'Hz_SF', units: 'Hz' }],
  ['Hz_SF', 'sunssf'],
  ...phased('W', 'int16', 'W_SF', 'W', 'ph'),
  ['W_SF', 'sunssf'],
  ...phased('VA', 'int16', 'VA_SF', 'VA', 'ph'),
  ['VA_SF', 'sunssf'],
  ...phased('VAR', 'int16', 'VAR_SF', 'var', 'ph'),
  ['VAR_SF', 'sunssf'],
  ...phased('PF', 'int16', 'PF_SF', 'Pct', 'ph'),
  ['PF_SF', 'sunssf'],
  ...phased('TotWhExp', 'acc32', 'TotWh_SF', 'Wh', 'Ph'),
  ...phased('TotWhImp', 'acc32', 'TotWh_SF', 'Wh', 'Ph'),
  ['TotWh_SF', 'sunssf'],
  ...phased('TotVAhExp', 'acc32', 'TotVAh_SF', 'VAh', 'Ph'),
  ...phased('TotVAhImp', 'acc32', 'TotVAh_SF', 'VAh', 'Ph'),
  ['TotVAh_SF', 'sunssf'],
  ...phased('TotVArhImpQ1', 'acc32', 'TotVArh_SF', 'varh', 'Ph'),
  ...phased('TotVArhImpQ2', 'acc32', 'TotVArh_SF', 'varh', 'Ph'),
  ...phased('TotVArhExpQ3', 'acc32', 'TotVArh_SF', 'varh', 'Ph'),
  ...phased('TotVArhExpQ4', 'acc32', 'TotVArh_SF', 'varh', 'Ph'),
  ['TotVArh_SF', 'sunssf'],
  ['Evt', 'bitfield32', { symbols: METER_EVENTS }],
];

const SRC = 'sunspec/models json/model_201.json @ 0d6e5022';

export const MODEL_201: ModelDef = defineModel(201, 'ac_meter', 'Meter (Single Phase)', SRC, METER_POINTS);
export const MODEL_202: ModelDef = defineModel(202, 'ac_meter', 'Meter (Split Phase)', SRC, METER_POINTS);
export const MODEL_203: ModelDef = defineModel(203, 'ac_meter', 'Meter (Wye-Connect Three Phase)', SRC, METER_POINTS);
export const MODEL_204: ModelDef = defineModel(204, 'ac_meter', 'Meter (Delta-Connect Three Phase)', SRC, METER_POINTS);
