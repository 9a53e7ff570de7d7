// The supported models by id, and their nominal lengths (L) for planners and simulators.
import type { ModelDef } from '../types.js';
import { MODEL_1 } from './common.js';
import { MODEL_101, MODEL_102, MODEL_103, MODEL_111, MODEL_112, MODEL_113 } from './inverter.js';
import { MODEL_120, MODEL_121, MODEL_122, MODEL_123, MODEL_124 } from './controls.js';
import { MODEL_160 } from './mppt.js';
import { MODEL_201, MODEL_202, MODEL_203, MODEL_204 } from './meter.js';
import { MODEL_802 } from './battery.js';
import { MODEL_126, MODEL_127, MODEL_128, MODEL_129, MODEL_130, MODEL_131, MODEL_132 } from './curves.js';
import { MODEL_211, MODEL_212, MODEL_213, MODEL_214 } from './float-meter.js';
import { MODEL_803, MODEL_804 } from './lithium-ion.js';

export const MODELS: ReadonlyMap<number, ModelDef> = new Map(
  [
    MODEL_1,
    MODEL_101,
    MODEL_102,
    MODEL_103,
    MODEL_111,
    MODEL_112,
    MODEL_113,
    MODEL_120,
    MODEL_121,
    MODEL_122,
    MODEL_123,
    MODEL_124,
    MODEL_126,
    MODEL_127,
    MODEL_128,
    MODEL_129,
    MODEL_130,
    MODEL_131,
    MODEL_132,
    MODEL_160,
    MODEL_201,
    MODEL_202,
    MODEL_203,
    MODEL_204,
    MODEL_211,
    MODEL_212,
    MODEL_213,
    MODEL_214,
    MODEL_802,
    MODEL_803,
    MODEL_804,
  ].map((m) => [m.id, m]),
);

export const SUPPORTED_MODEL_IDS: readonly number[] = [...MODELS.keys()];

export function modelDef(id: number): ModelDef | undefined {
  return MODELS.get(id);
}

/**
 * The length (L) a device announces for the model with `repeats` instances of its repeating
 * group (0 by default); undefined for an unknown model.
 */
export function modelLength(id: number, repeats = 0): number | undefined {
  const m = MODELS.get(id);
  if (!m) return undefined;
  return m.fixedLength + (m.repeating ? m.repeating.length * repeats : 0);
}

export { MODEL_1, MODEL_101, MODEL_102, MODEL_103, MODEL_111, MODEL_112, MODEL_113 };
export { MODEL_120, MODEL_121, MODEL_122, MODEL_123, MODEL_124, MODEL_160 };
export { MODEL_201, MODEL_202, MODEL_203, MODEL_204, MODEL_802 };
export { MODEL_126, MODEL_127, MODEL_128, MODEL_129, MODEL_130, MODEL_131, MODEL_132 };
export { MODEL_211, MODEL_212, MODEL_213, MODEL_214, MODEL_803, MODEL_804 };
