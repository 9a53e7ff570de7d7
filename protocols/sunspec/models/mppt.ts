// Model 160: Multiple MPPT Inverter Extension. A fixed block of scale factors and N, then N
// repeating 20-register module blocks (one per MPPT input).
// Source: sunspec/models json/model_160.json @ 1b3fb91970baf146cddc2e159ac5a058e1e5cdff
import { defineModel, type ModelDef } from '../types.js';

const MPPT_EVENTS: Readonly<Record<number, string>> = {
  0: 'GROUND_FAULT',
  1: 'INPUT_OVER_VOLTAGE',
  3: 'DC_DISCONNECT',
  5: 'CABINET_OPEN',
  6: 'MANUAL_SHUTDOWN',
  7: 'OVER_TEMP',
  12: 'BLOWN_FUSE',
  13: 'UNDER_TEMP',
  14: 'MEMORY_LOSS',
  15: 'ARC_DETECTION',
  20: 'TEST_FAILED',
  21: 'INPUT_UNDER_VOLTAGE',
  22: 'INPUT_OVER_CURRENT',
};

export const MODEL_160: ModelDef = defineModel(
  160,
  'mppt',
  'Multiple MPPT Inverter Extension Model',
  'sunspec/models json/model_160.json @ 1b3fb919',
  [
    ['DCA_SF', 'sunssf'],
    ['DCV_SF', 'sunssf'],
    ['DCW_SF', 'sunssf'],
    ['DCWH_SF', 'sunssf'],
    ['Evt', 'bitfield32', { symbols: MPPT_EVENTS }],
    ['N', 'count'],
    ['TmsPer', 'uint16'],
  ],
  {
    name: 'module',
    countPoint: 'N',
    specs: [
      ['ID', 'uint16'],
      ['IDStr', 'string', { size: 8 }],
      ['DCA', 'uint16', { sf: 'DCA_SF', units: 'A' }],
      ['DCV', 'uint16', { sf: 'DCV_SF', units: 'V' }],
      ['DCW', 'uint16', { sf: 'DCW_SF', units: 'W' }],
      ['DCWH', 'acc32', { sf: 'DCWH_SF', units: 'Wh' }],
      ['Tms', 'uint32', { units: 'Secs' }],
      ['Tmp', 'int16', { units: 'C' }],
      [
        'DCSt',
        'enum16',
        {
          symbols: {
            1: 'OFF',
            2: 'SLEEPING',
            3: 'STARTING',
            4: 'MPPT',
            5: 'THROTTLED',
            6: 'SHUTTING_DOWN',
            7: 'FAULT',
            8: 'STANDBY',
            9: 'TEST',
          },
        },
      ],
      ['DCEvt', 'bitfield32', { symbols: MPPT_EVENTS }],
    ],
  },
);
