// The SunSpec information model as data: point types, point and model definitions. The
// tables under models/ are transcribed from the official definitions (sunspec/models, json/).

/** SunSpec point types (the subset the supported models use, plus their 64-bit kin). */
export type PointType =
  | 'int16'
  | 'uint16'
  | 'count'
  | 'acc16'
  | 'enum16'
  | 'bitfield16'
  | 'int32'
  | 'uint32'
  | 'acc32'
  | 'enum32'
  | 'bitfield32'
  | 'int64'
  | 'uint64'
  | 'acc64'
  | 'float32'
  | 'string'
  | 'sunssf'
  | 'pad';

/** Registers a point of the type occupies; `string` is sized per point. */
export const TYPE_SIZE: Record<Exclude<PointType, 'string'>, number> = {
  int16: 1,
  uint16: 1,
  count: 1,
  acc16: 1,
  enum16: 1,
  bitfield16: 1,
  int32: 2,
  uint32: 2,
  acc32: 2,
  enum32: 2,
  bitfield32: 2,
  int64: 4,
  uint64: 4,
  acc64: 4,
  float32: 2,
  sunssf: 1,
  pad: 1,
};

export interface PointDef {
  name: string;
  type: PointType;
  /** Offset in registers from the start of the block (the register after L), or of the group instance. */
  offset: number;
  size: number;
  /** Name of the sunssf point that scales this one (looked up in the fixed block). */
  sf?: string;
  units?: string;
  /** Writable (RW in the model definition). */
  writable?: boolean;
  /** Enum values or bitfield bit numbers → symbol names. */
  symbols?: Readonly<Record<number, string>>;
}

export interface GroupDef {
  name: string;
  points: readonly PointDef[];
  /** Registers per instance. */
  length: number;
  /** The fixed-block point that counts the instances (160: N); otherwise derived from L. */
  countPoint?: string;
}

export interface ModelDef {
  id: number;
  name: string;
  label: string;
  /** The fixed block (ID and L excluded: offsets start after them). */
  points: readonly PointDef[];
  fixedLength: number;
  /** A repeating group following the fixed block, when the model has one. */
  repeating?: GroupDef;
  /** Where the table was transcribed from. */
  source: string;
}

/** The id that ends the model chain. */
export const END_MODEL_ID = 0xffff;

/** Compact point spec: [name, type, options]; size defaults to the type's size. */
export type PointSpec = [
  name: string,
  type: PointType,
  options?: { size?: number; sf?: string; units?: string; rw?: boolean; symbols?: Readonly<Record<number, string>> },
];

/** Lays points out one after another, computing offsets from sizes. */
export function layout(specs: readonly PointSpec[]): { points: PointDef[]; length: number } {
  let offset = 0;
  const points: PointDef[] = [];
  for (const [name, type, o = {}] of specs) {
    const size = o.size ?? (type === 'string' ? 0 : TYPE_SIZE[type]);
    if (size <= 0) throw new Error(`point ${name}: size required`);
    const p: PointDef = { name, type, offset, size };
    if (o.sf !== undefined) p.sf = o.sf;
    if (o.units !== undefined) p.units = o.units;
    if (o.rw) p.writable = true;
    if (o.symbols !== undefined) p.symbols = o.symbols;
    points.push(p);
    offset += size;
  }
  return { points, length: offset };
}

export function defineModel(
  id: number,
  name: string,
  label: string,
  source: string,
  specs: readonly PointSpec[],
  group?: { name: string; specs: readonly PointSpec[]; countPoint?: string },
): ModelDef {
  const fixed = layout(specs);
  const model: ModelDef = { id, name, label, points: fixed.points, fixedLength: fixed.length, source };
  if (group) {
    const g = layout(group.specs);
    model.repeating = { name: group.name, points: g.points, length: g.length };
    if (group.countPoint !== undefined) model.repeating.countPoint = group.countPoint;
  }
  return model;
}
