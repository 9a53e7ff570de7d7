// Builds a device's SunSpec register image for the simulator: 'SunS', each model's header and
// block with scale factors chosen to hold the given values, and the end marker.
import { END_MODEL_ID, type ModelDef, type PointDef } from './types.js';
import { modelDef } from './models/index.js';
import { SUNS_MARKER } from './discovery.js';
import { encodeRaw, SF_MAX } from './values.js';

export interface ImageModel {
  id: number;
  /**
   * Point values in engineering units (scaled), strings for string points, raw numbers for
   * enums and bitfields. Repeating-group points are named `<group>.<index>.<point>`
   * (`module.0.DCW`). A sunssf point given here is used as is; otherwise it is chosen.
   */
  points: Record<string, number | string>;
  /** Instances of the repeating group; default: one more than the highest index named. */
  repeats?: number;
}

export interface SunSpecImageSpec {
  baseAddress: number;
  models: ImageModel[];
}

export interface SunSpecImage {
  start: number;
  registers: Uint16Array;
}

/** Most precise scale factor tried: 10^-4 is finer than any model point needs. */
const SF_FINEST = -4;

const RANGES: Partial<Record<PointDef['type'], [number, number]>> = {
  int16: [-32767, 32767],
  uint16: [0, 65534],
  count: [0, 65534],
  acc16: [1, 65535],
  int32: [-2147483647, 2147483647],
  uint32: [0, 4294967294],
  acc32: [1, 4294967295],
};

/** Throws on a programming error (unknown model, value that no scale factor can hold). */
export function buildSunSpecImage(spec: SunSpecImageSpec): SunSpecImage {
  const words: number[] = [...SUNS_MARKER];
  for (const m of spec.models) {
    const def = modelDef(m.id);
    if (!def) throw new Error(`buildSunSpecImage: model ${m.id} has no table`);
    const block = encodeModel(def, m);
    words.push(def.id, block.length, ...block);
  }
  words.push(END_MODEL_ID, 0);
  if (spec.baseAddress < 0 || spec.baseAddress + words.length - 1 > 0xffff) {
    throw new Error(`buildSunSpecImage: ${words.length} registers do not fit at base ${spec.baseAddress}`);
  }
  return { start: spec.baseAddress, registers: Uint16Array.from(words) };
}

/** The block (without ID and L) of one model. */
export function encodeModel(def: ModelDef, m: ImageModel): number[] {
  const group = def.repeating;
  let repeats = 0;
  if (group) {
    const prefix = `${group.name}.`;
    for (const key of Object.keys(m.points)) {
      if (!key.startsWith(prefix)) continue;
      const index = Number(key.slice(prefix.length).split('.')[0]);
      if (Number.isInteger(index) && index >= 0) repeats = Math.max(repeats, index + 1);
    }
    repeats = m.repeats ?? repeats;
  }
  const length = def.fixedLength + (group ? group.length * repeats : 0);
  const block = new Array<number>(length).fill(0);
  const entries: Array<{ p: PointDef; at: number; value: number | string | undefined }> = [];
  for (const p of def.points) entries.push({ p, at: p.offset, value: m.points[p.name] });
  if (group) {
    for (let i = 0; i < repeats; i++) {
      for (const p of group.points) {
        const at = def.fixedLength + i * group.length + p.offset;
        entries.push({ p, at, value: m.points[`${group.name}.${i}.${p.name}`] });
      }
    }
    if (group.countPoint && m.points[group.countPoint] === undefined) {
      const counter = def.points.find((p) => p.name === group.countPoint);
      const entry = entries.find((e) => e.p === counter);
      if (entry) entry.value = repeats;
    }
  }
  // Scale factors: the given one, or the finest that holds every value it scales.
  const sfs = new Map<string, number>();
  for (const p of def.points) {
    if (p.type !== 'sunssf') continue;
    const given = m.points[p.name];
    const scaled = entries.filter((e) => e.p.sf === p.name && typeof e.value === 'number');
    sfs.set(p.name, typeof given === 'number' ? given : chooseScale(p.name, scaled.map((e) => ({ p: e.p, v: e.value as number }))));
  }
  for (const { p, at, value } of entries) {
    let raw: number | string | undefined = value;
    if (p.type === 'sunssf') raw = sfs.get(p.name) ?? 0;
    else if (p.sf !== undefined && typeof value === 'number') raw = Math.round(value / 10 ** (sfs.get(p.sf) ?? 0));
    else if (typeof value === 'number' && p.type !== 'float32') raw = Math.round(value);
    const out = encodeRaw(p.type, p.size, raw);
    for (let i = 0; i < out.length; i++) block[at + i] = out[i] ?? 0;
  }
  return block;
}

function decimals(v: number): number {
  const s = Math.abs(v).toPrecision(12).replace(/0+$/, '');
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

function chooseScale(name: string, values: Array<{ p: PointDef; v: number }>): number {
  if (values.length === 0) return 0;
  let sf = Math.max(SF_FINEST, -Math.max(...values.map(({ v }) => decimals(v))));
  for (; sf <= SF_MAX; sf++) {
    // A zero accumulator reads as 'not implemented' whatever the scale, so it constrains nothing.
    const fits = values.every(({ p, v }) => {
      if (v === 0) return true;
      const range = RANGES[p.type];
      const raw = Math.round(v / 10 ** sf);
      return !range || (raw >= range[0] && raw <= range[1]);
    });
    if (fits) return sf;
  }
  throw new Error(`buildSunSpecImage: no scale factor for ${name} holds ${values.map(({ v }) => v).join(', ')}`);
}
