// Model 1 (Common): identity of the device. Every SunSpec device starts its chain with it.
// Source: sunspec/models json/model_1.json @ 09dbbca2e4e2ce0eb8236b59b72445582d00d36a
import { defineModel, type ModelDef } from '../types.js';

export const MODEL_1: ModelDef = defineModel(1, 'common', 'Common', 'sunspec/models json/model_1.json @ 09dbbca2', [
  ['Mn', 'string', { size: 16 }],
  ['Md', 'string', { size: 16 }],
  ['Opt', 'string', { size: 8 }],
  ['Vr', 'string', { size: 8 }],
  ['SN', 'string', { size: 16 }],
  ['DA', 'uint16', { rw: true }],
  ['Pad', 'pad'],
]);
