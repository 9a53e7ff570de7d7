// Curve and ride-through control models 126-132 (IEEE 1547 / the SunSpec inverter controls):
// a fixed block (active curve, enable, times, counts and scale factors) and, for 126, 129,
// 130, 131 and 132, repeating curve groups of (x, y) points. decodeCurves (curves.ts) turns a
// decoded group into its point pairs. Enum and bitfield symbols are not transcribed.
// Source: sunspec/models json/model_126.json … model_132.json @ 7abdf898
import { defineModel, type ModelDef, type PointSpec } from '../types.js';

const src = (id: number): string => `sunspec/models json/model_${id}.json @ 7abdf898`;

/** A curve's points as the models list them: x1, y1, x2, y2, … xN, yN, each pair alike but for its number. */
function pointPairs(x: PointSpec, y: PointSpec, count: number): PointSpec[] {
  const numbered = (spec: PointSpec, n: number): PointSpec => [`${spec[0]}${n}`, ...spec.slice(1)] as PointSpec;
  return Array.from({ length: count }, (_, k) => [numbered(x, k + 1), numbered(y, k + 1)]).flat();
}

export const MODEL_126: ModelDef = defineModel(
  126,
  'volt_var',
  'Static Volt-VAR',
  src(126),
  [
    ['ActCrv', 'uint16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['WinTms', 'uint16', { units: 'Secs', rw: true }],
    ['RvrtTms', 'uint16', { units: 'Secs', rw: true }],
    ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
    ['NCrv', 'uint16'],
    ['NPt', 'uint16'],
    ['V_SF', 'sunssf'],
    ['DeptRef_SF', 'sunssf'],
    ['RmpIncDec_SF', 'sunssf'],
  ],
  {
    name: 'curve',
    countPoint: 'NCrv',
    specs: [
      ['ActPt', 'uint16', { rw: true }],
      ['DeptRef', 'enum16', { rw: true }],
      ...pointPairs(['V', 'uint16', { sf: 'V_SF', units: '% VRef', rw: true }], ['VAr', 'int16', { sf: 'DeptRef_SF', rw: true }], 20),
      ['CrvNam', 'string', { size: 8, rw: true }],
      ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
      ['RmpDecTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% ref_value/min', rw: true }],
      ['RmpIncTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% ref_value/min', rw: true }],
      ['ReadOnly', 'enum16'],
    ],
  },
);

export const MODEL_127: ModelDef = defineModel(
  127,
  'freq_watt_param',
  'Freq-Watt Param',
  src(127),
  [
    ['WGra', 'uint16', { sf: 'WGra_SF', units: '% PM/Hz', rw: true }],
    ['HzStr', 'int16', { sf: 'HzStrStop_SF', units: 'Hz', rw: true }],
    ['HzStop', 'int16', { sf: 'HzStrStop_SF', units: 'Hz', rw: true }],
    ['HysEna', 'bitfield16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['HzStopWGra', 'uint16', { sf: 'RmpIncDec_SF', units: '% WMax/min', rw: true }],
    ['WGra_SF', 'sunssf'],
    ['HzStrStop_SF', 'sunssf'],
    ['RmpIncDec_SF', 'sunssf'],
    ['Pad', 'pad'],
  ],
);

export const MODEL_128: ModelDef = defineModel(
  128,
  'reactive_current',
  'Dynamic Reactive Current',
  src(128),
  [
    ['ArGraMod', 'enum16', { rw: true }],
    ['ArGraSag', 'uint16', { sf: 'ArGra_SF', units: '%ARtg/%dV', rw: true }],
    ['ArGraSwell', 'uint16', { sf: 'ArGra_SF', units: '%ARtg/%dV', rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['FilTms', 'uint16', { units: 'Secs', rw: true }],
    ['DbVMin', 'uint16', { sf: 'VRefPct_SF', units: '% VRef', rw: true }],
    ['DbVMax', 'uint16', { sf: 'VRefPct_SF', units: '% VRef', rw: true }],
    ['BlkZnV', 'uint16', { sf: 'VRefPct_SF', units: '% VRef', rw: true }],
    ['HysBlkZnV', 'uint16', { sf: 'VRefPct_SF', units: '% VRef', rw: true }],
    ['BlkZnTmms', 'uint16', { units: 'mSecs', rw: true }],
    ['HoldTmms', 'uint16', { units: 'mSecs', rw: true }],
    ['ArGra_SF', 'sunssf'],
    ['VRefPct_SF', 'sunssf'],
    ['Pad', 'pad'],
  ],
);

export const MODEL_129: ModelDef = defineModel(
  129,
  'lvrt',
  'LVRTD',
  src(129),
  [
    ['ActCrv', 'uint16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['WinTms', 'uint16', { units: 'Secs', rw: true }],
    ['RvrtTms', 'uint16', { units: 'Secs', rw: true }],
    ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
    ['NCrv', 'uint16'],
    ['NPt', 'uint16'],
    ['Tms_SF', 'sunssf'],
    ['V_SF', 'sunssf'],
    ['Pad', 'pad'],
  ],
  {
    name: 'curve',
    countPoint: 'NCrv',
    specs: [
      ['ActPt', 'uint16', { rw: true }],
      ...pointPairs(['Tms', 'uint16', { sf: 'Tms_SF', units: 'Secs', rw: true }], ['V', 'uint16', { sf: 'V_SF', units: '% VRef', rw: true }], 20),
      ['CrvNam', 'string', { size: 8, rw: true }],
      ['ReadOnly', 'enum16'],
    ],
  },
);

export const MODEL_130: ModelDef = defineModel(
  130,
  'hvrt',
  'HVRTD',
  src(130),
  [
    ['ActCrv', 'uint16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['WinTms', 'uint16', { units: 'Secs', rw: true }],
    ['RvrtTms', 'uint16', { units: 'Secs', rw: true }],
    ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
    ['NCrv', 'uint16'],
    ['NPt', 'uint16'],
    ['Tms_SF', 'sunssf'],
    ['V_SF', 'sunssf'],
    ['Pad', 'pad'],
  ],
  {
    name: 'curve',
    countPoint: 'NCrv',
    specs: [
      ['ActPt', 'uint16', { rw: true }],
      ...pointPairs(['Tms', 'uint16', { sf: 'Tms_SF', units: 'Secs', rw: true }], ['V', 'uint16', { sf: 'V_SF', units: '% VRef', rw: true }], 20),
      ['CrvNam', 'string', { size: 8, rw: true }],
      ['ReadOnly', 'enum16'],
    ],
  },
);

export const MODEL_131: ModelDef = defineModel(
  131,
  'watt_pf',
  'Watt-PF',
  src(131),
  [
    ['ActCrv', 'uint16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['WinTms', 'uint16', { units: 'Secs', rw: true }],
    ['RvrtTms', 'uint16', { units: 'Secs', rw: true }],
    ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
    ['NCrv', 'uint16'],
    ['NPt', 'uint16'],
    ['W_SF', 'sunssf'],
    ['PF_SF', 'sunssf'],
    ['RmpIncDec_SF', 'sunssf'],
  ],
  {
    name: 'curve',
    countPoint: 'NCrv',
    specs: [
      ['ActPt', 'uint16', { rw: true }],
      ...pointPairs(['W', 'int16', { sf: 'W_SF', units: '% WMax', rw: true }], ['PF', 'int16', { sf: 'PF_SF', units: 'cos()', rw: true }], 20),
      ['CrvNam', 'string', { size: 8, rw: true }],
      ['RmpPT1Tms', 'uint16', { units: 'Secs', rw: true }],
      ['RmpDecTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% PF/min', rw: true }],
      ['RmpIncTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% PF/min', rw: true }],
      ['ReadOnly', 'enum16'],
      ['Pad', 'pad'],
    ],
  },
);

export const MODEL_132: ModelDef = defineModel(
  132,
  'volt_watt',
  'Volt-Watt',
  src(132),
  [
    ['ActCrv', 'uint16', { rw: true }],
    ['ModEna', 'bitfield16', { rw: true }],
    ['WinTms', 'uint16', { units: 'Secs', rw: true }],
    ['RvrtTms', 'uint16', { units: 'Secs', rw: true }],
    ['RmpTms', 'uint16', { units: 'Secs', rw: true }],
    ['NCrv', 'uint16'],
    ['NPt', 'uint16'],
    ['V_SF', 'sunssf'],
    ['DeptRef_SF', 'sunssf'],
    ['RmpIncDec_SF', 'sunssf'],
  ],
  {
    name: 'curve',
    countPoint: 'NCrv',
    specs: [
      ['ActPt', 'uint16', { rw: true }],
      ['DeptRef', 'enum16', { rw: true }],
      ...pointPairs(['V', 'uint16', { sf: 'V_SF', units: '% VRef', rw: true }], ['W', 'int16', { sf: 'DeptRef_SF', units: '% VRef', rw: true }], 20),
      ['CrvNam', 'string', { size: 8, rw: true }],
      ['RmpPt1Tms', 'uint16', { units: 'Secs', rw: true }],
      ['RmpDecTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% WMax/min', rw: true }],
      ['RmpIncTmm', 'uint16', { sf: 'RmpIncDec_SF', units: '% WMax/min', rw: true }],
      ['ReadOnly', 'enum16'],
    ],
  },
);
