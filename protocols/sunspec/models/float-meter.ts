// Float AC meter models 211 (single phase), 212 (split phase), 213 (wye three phase), 214 (delta
// three phase): one 124-register layout of IEEE 754 float32 points (no scale factors) and the
// event bits. Normalised like 201-204 (protocols/sunspec/normalise.ts).
// Source: sunspec/models json/model_211.json … model_214.json @ 7abdf898 (one layout; checked equal
//   for the four models when transcribed).
import { defineModel, type ModelDef, type PointSpec } from '../types.js';
import { METER_EVENTS } from './meter.js';

const FLOAT_METER_POINTS: readonly PointSpec[] = [
  ['A', 'float32', { units: 'A' }],
  ['AphA', 'float32', { units: 'A' }],
  ['AphB', 'float32', { units: 'A' }],
  ['AphC', 'float32', { units: 'A' }],
  ['PhV', 'float32', { units: 'V' }],
  ['PhVphA', 'float32', { units: 'V' }],
  ['PhVphB', 'float32', { units: 'V' }],
  ['PhVphC', 'float32', { units: 'V' }],
  ['PPV', 'float32', { units: 'V' }],
  ['PPVphAB', 'float32', { units: 'V' }],
  ['PPVphBC', 'float32', { units: 'V' }],
  ['PPVphCA', 'float32', { units: 'V' }],
  ['Hz', 'float32', { units: 'Hz' }],
  ['W', 'float32', { units: 'W' }],
  ['WphA', 'float32', { units: 'W' }],
  ['WphB', 'float32', { units: 'W' }],
  ['WphC', 'float32', { units: 'W' }],
  ['VA', 'float32', { units: 'VA' }],
  ['VAphA', 'float32', { units: 'VA' }],
  ['VAphB', 'float32', { units: 'VA' }],
  ['VAphC', 'float32', { units: 'VA' }],
  ['VAR', 'float32', { units: 'var' }],
  ['VARphA', 'float32', { units: 'var' }],
  ['VARphB', 'float32', { units: 'var' }],
  ['VARphC', 'float32', { units: 'var' }],
  ['PF', 'float32', { units: 'PF' }],
  ['PFphA', 'float32', { units: 'PF' }],
  ['PFphB', 'float32', { units: 'PF' }],
  ['PFphC', 'float32', { units: 'PF' }],
  ['TotWhExp', 'float32', { units: 'Wh' }],
  ['TotWhExpPhA', 'float32', { units: 'Wh' }],
  ['TotWhExpPhB', 'float32', { units: 'Wh' }],
  ['TotWhExpPhC', 'float32', { units: 'Wh' }],
  ['TotWhImp', 'float32', { units: 'Wh' }],
  ['TotWhImpPhA', 'float32', { units: 'Wh' }],
  ['TotWhImpPhB', 'float32', { units: 'Wh' }],
  ['TotWhImpPhC', 'float32', { units: 'Wh' }],
  ['TotVAhExp', 'float32', { units: 'VAh' }],
  ['TotVAhExpPhA', 'float32', { units: 'VAh' }],
  ['TotVAhExpPhB', 'float32', { units: 'VAh' }],
  ['TotVAhExpPhC', 'float32', { units: 'VAh' }],
  ['TotVAhImp', 'float32', { units: 'VAh' }],
  ['TotVAhImpPhA', 'float32', { units: 'VAh' }],
  ['TotVAhImpPhB', 'float32', { units: 'VAh' }],
  ['TotVAhImpPhC', 'float32', { units: 'VAh' }],
  ['TotVArhImpQ1', 'float32', { units: 'varh' }],
  ['TotVArhImpQ1phA', 'float32', { units: 'varh' }],
  ['TotVArhImpQ1phB', 'float32', { units: 'varh' }],
  ['TotVArhImpQ1phC', 'float32', { units: 'varh' }],
  ['TotVArhImpQ2', 'float32', { units: 'varh' }],
  ['TotVArhImpQ2phA', 'float32', { units: 'varh' }],
  ['TotVArhImpQ2phB', 'float32', { units: 'varh' }],
  ['TotVArhImpQ2phC', 'float32', { units: 'varh' }],
  ['TotVArhExpQ3', 'float32', { units: 'varh' }],
  ['TotVArhExpQ3phA', 'float32', { units: 'varh' }],
  ['TotVArhExpQ3phB', 'float32', { units: 'varh' }],
  ['TotVArhExpQ3phC', 'float32', { units: 'varh' }],
  ['TotVArhExpQ4', 'float32', { units: 'varh' }],
  ['TotVArhExpQ4phA', 'float32', { units: 'varh' }],
  ['TotVArhExpQ4phB', 'float32', { units: 'varh' }],
  ['TotVArhExpQ4phC', 'float32', { units: 'varh' }],
];

const POINTS: readonly PointSpec[] = [...FLOAT_METER_POINTS, ['Evt', 'bitfield32', { symbols: METER_EVENTS }]];
const src = (id: number): string => `sunspec/models json/model_${id}.json @ 7abdf898`;

export const MODEL_211: ModelDef = defineModel(211, 'ac_meter', 'Meter (Single Phase) FLOAT', src(211), POINTS);
export const MODEL_212: ModelDef = defineModel(212, 'ac_meter', 'Meter (Split Phase) FLOAT', src(212), POINTS);
export const MODEL_213: ModelDef = defineModel(213, 'ac_meter', 'Meter (Wye-Connect Three Phase) FLOAT', src(213), POINTS);
export const MODEL_214: ModelDef = defineModel(214, 'ac_meter', 'Meter (Delta-Connect Three Phase) FLOAT', src(214), POINTS);
