// S0 pulse inputs (DIN 43864 / IEC 62053-31): energy and power from pulse edges.
export { S0Accumulator, stepS0, s0Energy, s0PowerW, validateS0Config, INITIAL_S0_STATE, SATURATION_PAUSE_RATIO } from './pulse-accumulator.js';
export type { S0Edge, S0Event, S0Config, S0State, S0Outcome, S0RejectKind } from './pulse-accumulator.js';
