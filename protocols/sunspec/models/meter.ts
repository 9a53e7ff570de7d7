// AC meter models 201 (single phase), 202 (split phase), 203 (wye three phase), 204 (delta
// three phase): one 105-register layout, integers with scale factors.
// Sources: sunspec/models json/model_201.json @ 0d6e5022c6d6fa6c098b0c5a4840f893510d4bb8,
//   model_202.json, model_203.json, model_204.json @ 2136f073c4779b47d21bae4e89cd8278aec8a681.
//   One layout; the official files name the line-to-line voltages PPVphAB… in 201 and
//   PhVphAB… in 202/203/204, and the tables keep each model's own names.
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

const meterPoints = (ll: 'PPVph' | 'PhVph'): PointSpec[] => [
  ...phased('A', 'int16', 'A_SF', 'A', 'ph'),
  ['A_SF', 'sunssf'],
  ['PhV', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphA', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphB', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PhVphC', 'int16', { sf: 'V_SF', units: 'V' }],
  ['PPV', 'int16', { sf: 'V_SF', units: 'V' }],
  [`${ll}AB`, 'int16', { sf: 'V_SF', units: 'V' }],
  [`${ll}BC`, 'int16', { sf: 'V_SF', units: 'V' }],
  [`${ll}CA`, 'int16', { sf: 'V_SF', units: 'V' }],
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

const src = (id: number, commit: string): string => `sunspec/models json/model_${id}.json @ ${commit}`;

export const MODEL_201: ModelDef = defineModel(201, 'ac_meter', 'Meter (Single Phase)', src(201, '0d6e5022'), meterPoints('PPVph'));
export const MODEL_202: ModelDef = defineModel(202, 'ac_meter', 'Meter (Split Phase)', src(202, '2136f073'), meterPoints('PhVph'));
export const MODEL_203: ModelDef = defineModel(203, 'ac_meter', 'Meter (Wye-Connect Three Phase)', src(203, '2136f073'), meterPoints('PhVph'));
export const MODEL_204: ModelDef = defineModel(204, 'ac_meter', 'Meter (Delta-Connect Three Phase)', src(204, '2136f073'), meterPoints('PhVph'));
