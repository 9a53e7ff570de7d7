// One model block's registers → its points, scale factors applied. Points the device marks
// as not implemented (or that lie beyond its announced length) are listed as absent, never
// given a number.
import { fail, ok, type Result } from '../../core/result.js';
import { modelDef } from './models/index.js';
import type { ModelDef, PointDef } from './types.js';
import { applyScale, bitNames, readRaw, SF_MAX, SF_MIN } from './values.js';

export interface PointValue {
  /** Scaled number, or the text of a string point. Bitfields and enums keep their raw number. */
  value: number | string;
  units?: string;
  /** Symbol of an enum value. */
  symbol?: string;
  /** Names of the set bits of a bitfield. */
  flags?: string[];
}

export type ModelProblemKind = 'short-block' | 'bad-scale-factor' | 'group-misaligned' | 'count-mismatch';

export interface ModelProblem {
  kind: ModelProblemKind;
  detail: string;
}

export interface DecodedModel {
  id: number;
  name: string;
  label: string;
  /** Address of the model's ID register, when known. */
  address?: number;
  /** L: registers after the two header registers. */
  length: number;
  points: Record<string, PointValue>;
  /** Points present in the definition but not implemented by this device. */
  absent: string[];
  /** Instances of the repeating group (160 modules), in order. */
  groups: Array<Record<string, PointValue>>;
  /** Name of the repeating group, when the model has one. */
  groupName?: string;
  problems: ModelProblem[];
}

export type DecodeModelErrorKind = 'unknown-model';

/** Decodes the L registers of a model block (the words after ID and L). */
export function decodeModel(
  id: number,
  block: ArrayLike<number>,
  address?: number,
): Result<DecodedModel, DecodeModelErrorKind> {
  const def = modelDef(id);
  if (!def) return fail('unknown-model', `model ${id} is not in the supported tables`);
  return ok(decodeWithDef(def, block, address));
}

export function decodeWithDef(def: ModelDef, block: ArrayLike<number>, address?: number): DecodedModel {
  const length = block.length;
  const out: DecodedModel = { id: def.id, name: def.name, label: def.label, length, points: {}, absent: [], groups: [], problems: [] };
  if (address !== undefined) out.address = address;
  const fixedAvailable = Math.min(length, def.fixedLength);
  const missing = def.points.filter((p) => p.offset + p.size > fixedAvailable && p.type !== 'pad');
  if (missing.length > 0) {
    out.problems.push({
      kind: 'short-block',
      detail: `length ${length} is shorter than the ${def.fixedLength} registers of model ${def.id}: ${missing.map((p) => p.name).join(', ')} missing`,
    });
  }
  const sfCache = new Map<string, number | undefined>();
  const scaleOf = (name: string): number | undefined => {
    if (sfCache.has(name)) return sfCache.get(name);
    const p = def.points.find((q) => q.name === name);
    let sf: number | undefined;
    if (p && p.offset + p.size <= fixedAvailable) {
      const raw = readRaw(block, p.offset, 'sunssf', 1);
      if (typeof raw === 'number' && (raw < SF_MIN || raw > SF_MAX)) {
        out.problems.push({ kind: 'bad-scale-factor', detail: `${name} = ${raw} is outside ${SF_MIN}..${SF_MAX}` });
      } else if (typeof raw === 'number') sf = raw;
    }
    sfCache.set(name, sf);
    return sf;
  };
  decodePoints(def.points, block, 0, fixedAvailable, scaleOf, out.points, out.absent, '');

  const group = def.repeating;
  if (group) out.groupName = group.name;
  if (group && length > def.fixedLength) {
    const extra = length - def.fixedLength;
    const repeats = Math.floor(extra / group.length);
    if (extra % group.length !== 0) {
      out.problems.push({
        kind: 'group-misaligned',
        detail: `${extra} registers after the fixed block are not a whole number of ${group.length}-register ${group.name} groups`,
      });
    }
    const counted = group.countPoint ? out.points[group.countPoint]?.value : undefined;
    if (typeof counted === 'number' && counted !== repeats) {
      out.problems.push({ kind: 'count-mismatch', detail: `${group.countPoint} = ${counted} but the length holds ${repeats} ${group.name} groups` });
    }
    for (let i = 0; i < repeats; i++) {
      const values: Record<string, PointValue> = {};
      const start = def.fixedLength + i * group.length;
      decodePoints(group.points, block, start, start + group.length, scaleOf, values, out.absent, `${group.name}.${i}.`);
      out.groups.push(values);
    }
  }
  return out;
}

function decodePoints(
  points: readonly PointDef[],
  block: ArrayLike<number>,
  base: number,
  limit: number,
  scaleOf: (name: string) => number | undefined,
  into: Record<string, PointValue>,
  absent: string[],
  prefix: string,
): void {
  for (const p of points) {
    if (p.type === 'pad') continue;
    const at = base + p.offset;
    if (at + p.size > limit) {
      absent.push(prefix + p.name);
      continue;
    }
    const raw = readRaw(block, at, p.type, p.size);
    if (raw === undefined) {
      absent.push(prefix + p.name);
      continue;
    }
    let value: number | string = raw;
    if (p.sf !== undefined && typeof raw === 'number') {
      const sf = scaleOf(p.sf);
      if (sf === undefined) {
        absent.push(prefix + p.name);
        continue;
      }
      value = applyScale(raw, sf);
    }
    const pv: PointValue = { value };
    if (p.units !== undefined) pv.units = p.units;
    if (typeof raw === 'number' && (p.type === 'enum16' || p.type === 'enum32') && p.symbols?.[raw] !== undefined) {
      pv.symbol = p.symbols[raw];
    }
    if (typeof raw === 'number' && (p.type === 'bitfield16' || p.type === 'bitfield32')) pv.flags = bitNames(p, raw);
    into[p.name] = pv;
  }
}

/** The number of a decoded point, when present and numeric. */
export function num(points: Readonly<Record<string, PointValue>> | undefined, name: string): number | undefined {
  const v = points?.[name]?.value;
  return typeof v === 'number' ? v : undefined;
}

/** The text of a decoded string point, when present. */
export function text(points: Readonly<Record<string, PointValue>> | undefined, name: string): string | undefined {
  const v = points?.[name]?.value;
  return typeof v === 'string' ? v : undefined;
}
