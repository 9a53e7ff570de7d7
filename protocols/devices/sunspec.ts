// The generic SunSpec device: any inverter, meter or battery that speaks SunSpec over Modbus.
// Unlike the meters' fixed tables, its registers are found at run time (the 'SunS' marker and
// the model chain), so it is a SunSpecDefinition of its own rather than a DeviceDefinition.
// After discovery, `sunspecChainDefinition` turns the chain into an ordinary DeviceDefinition
// (absolute addresses) for the read planner, and `decodeSunSpecBlocks` decodes what was read.
import type { DeviceDefinition, DeviceLimits, PollGroup, RegisterDef, RegisterType } from '../modbus/registers.js';
import { SUNSPEC_NOT_IMPLEMENTED } from '../modbus/registers.js';
import {
  BASE_CANDIDATES,
  decodeModel,
  discoveryStep,
  identityOf,
  MAX_MODELS,
  MODELS,
  SUNS_MARKER,
  toQuantities,
  type DecodedModel,
  type DeviceProblem,
  type ModelRef,
  type NormaliseOptions,
  type PointDef,
  type PointType,
  type SunSpecDevice,
} from '../sunspec/index.js';

export interface SunSpecDefinition {
  kind: 'sunspec';
  id: 'sunspec';
  manufacturer: string;
  model: string;
  description: string;
  source: { document: string; version: string; crossChecks?: readonly string[]; notes?: readonly string[] };
  transports: readonly ('rtu' | 'tcp')[];
  defaultUnitId: number;
  limits: DeviceLimits;
  discovery: {
    /** Where the 'SunS' marker is looked for, in order. */
    baseCandidates: readonly number[];
    marker: readonly [number, number];
    maxModels: number;
    /** The pure step function the bus driver calls with what it has read so far. */
    step: typeof discoveryStep;
  };
  supportedModels: ReadonlyArray<{ id: number; label: string; length: number; repeating?: { name: string; length: number } }>;
}

export const sunspec: SunSpecDefinition = {
  kind: 'sunspec',
  id: 'sunspec',
  manufacturer: 'SunSpec',
  model: 'any SunSpec Modbus device',
  description: 'Inverters (101-103, 111-113, 120-124, 126-132 curves, 160), meters (201-204, float 211-214) and batteries (802, 803, 804) found by SunSpec discovery',
  source: {
    document: 'SunSpec Information Model, official model definitions (github.com/sunspec/models, json/)',
    version: 'model files as of the commits named in protocols/sunspec/models/*.ts',
    crossChecks: ['test/fixtures/conformance/sunspec-dumps.json: Veris E51C2, SolarEdge SE33.3K, Fronius IG+ and Symo, synthetic 802'],
    notes: ['registers are found at run time: SunS at 40000, 0 or 50000, then the model chain to 0xFFFF'],
  },
  transports: ['tcp', 'rtu'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 125, forbidden: [] },
  discovery: { baseCandidates: BASE_CANDIDATES, marker: SUNS_MARKER, maxModels: MAX_MODELS, step: discoveryStep },
  supportedModels: [...MODELS.values()].map((m) => ({
    id: m.id,
    label: m.label,
    length: m.fixedLength,
    ...(m.repeating ? { repeating: { name: m.repeating.name, length: m.repeating.length } } : {}),
  })),
};

const TYPE_MAP: Record<Exclude<PointType, 'pad'>, RegisterType> = {
  int16: 'i16',
  sunssf: 'i16',
  uint16: 'u16',
  count: 'u16',
  acc16: 'u16',
  enum16: 'enum16',
  bitfield16: 'bitfield16',
  int32: 'i32',
  uint32: 'u32',
  enum32: 'u32',
  acc32: 'acc32',
  bitfield32: 'bitfield32',
  int64: 'i64',
  uint64: 'u64',
  acc64: 'u64',
  float32: 'float32',
  string: 'string',
};

const IDENTITY_MODELS = new Set([1, 120, 121]);

function pollOf(modelId: number, p: PointDef): PollGroup {
  if (IDENTITY_MODELS.has(modelId)) return 'identity';
  return p.type === 'acc32' || p.type === 'acc64' ? 'slow' : 'fast';
}

/** Register name prefix of a model in the chain: m203, and m203_2 for a second 203. */
function prefixes(chain: readonly ModelRef[]): string[] {
  const seen = new Map<number, number>();
  return chain.map((m) => {
    const n = (seen.get(m.id) ?? 0) + 1;
    seen.set(m.id, n);
    return n === 1 ? `m${m.id}` : `m${m.id}_${n}`;
  });
}

/**
 * A concrete register definition of a discovered chain (models without a table are left
 * out), so the read planner can batch the reads. Names are `m<id>.<point>` and
 * `m160.module<i>.<point>`; scale factors point at their sunssf registers.
 */
export function sunspecChainDefinition(chain: readonly ModelRef[]): DeviceDefinition {
  const registers: RegisterDef[] = [];
  const names = prefixes(chain);
  chain.forEach((ref, k) => {
    const def = MODELS.get(ref.id);
    if (!def) return;
    const prefix = names[k] ?? `m${ref.id}`;
    const start = ref.address + 2;
    const sfPoll = new Map<string, PollGroup>();
    const add = (p: PointDef, at: number, name: string): void => {
      if (p.type === 'pad' || at - start + p.size > ref.length) return;
      const reg: RegisterDef = {
        name,
        address: at,
        functionCode: 3,
        type: TYPE_MAP[p.type],
        poll: pollOf(ref.id, p),
        description: `${def.label}: ${p.name}`,
      };
      if (p.type === 'string') reg.words = p.size;
      if (p.units !== undefined) reg.unit = p.units;
      if (p.sf !== undefined) {
        reg.scaleFactor = `${prefix}.${p.sf}`;
        if (reg.poll === 'fast' || !sfPoll.has(p.sf)) sfPoll.set(p.sf, reg.poll);
      }
      const ni = p.type === 'sunssf' ? [-0x8000] : SUNSPEC_NOT_IMPLEMENTED[reg.type];
      if (ni !== undefined) reg.notImplemented = ni;
      if (p.symbols !== undefined && (p.type === 'enum16' || p.type === 'enum32')) reg.enumValues = p.symbols;
      registers.push(reg);
    };
    for (const p of def.points) add(p, start + p.offset, `${prefix}.${p.name}`);
    const group = def.repeating;
    if (group) {
      const repeats = Math.max(0, Math.floor((ref.length - def.fixedLength) / group.length));
      for (let i = 0; i < repeats; i++) {
        for (const p of group.points) add(p, start + def.fixedLength + i * group.length + p.offset, `${prefix}.${group.name}${i}.${p.name}`);
      }
    }
    // A scale factor is read as often as the most frequent point it scales.
    for (const r of registers) {
      const sf = r.name.startsWith(`${prefix}.`) ? r.name.slice(prefix.length + 1) : undefined;
      if (sf !== undefined && sfPoll.has(sf) && r.type === 'i16' && !IDENTITY_MODELS.has(ref.id)) r.poll = sfPoll.get(sf) ?? r.poll;
    }
  });
  return {
    id: 'sunspec',
    manufacturer: sunspec.manufacturer,
    model: chain.map((m) => m.id).join('+') || 'empty chain',
    description: sunspec.description,
    source: sunspec.source,
    transports: sunspec.transports,
    defaultUnitId: sunspec.defaultUnitId,
    limits: sunspec.limits,
    registers,
  };
}

/**
 * Decodes a discovered chain from read answers (holding registers, any split into blocks):
 * each model's registers are gathered from the blocks, decoded, then normalised.
 */
export function decodeSunSpecBlocks(
  chain: readonly ModelRef[],
  blocks: ReadonlyArray<{ address: number; registers: ArrayLike<number> }>,
  options: NormaliseOptions = {},
): SunSpecDevice {
  const words = new Map<number, number>();
  for (const b of blocks) for (let i = 0; i < b.registers.length; i++) words.set(b.address + i, (b.registers[i] ?? 0) & 0xffff);
  const models: DecodedModel[] = [];
  const problems: DeviceProblem[] = [];
  for (const ref of chain) {
    if (!MODELS.has(ref.id)) continue;
    const block: number[] = [];
    for (let i = 0; i < ref.length; i++) {
      const w = words.get(ref.address + 2 + i);
      if (w === undefined) break;
      block.push(w);
    }
    if (block.length < ref.length) {
      problems.push({ kind: 'block-unreadable', detail: `model ${ref.id} at ${ref.address}: register ${ref.address + 2 + block.length} was not read`, model: ref.id, address: ref.address });
      continue;
    }
    const r = decodeModel(ref.id, block, ref.address);
    if (!r.ok) continue;
    for (const p of r.value.problems) problems.push({ kind: 'model-problem', detail: `model ${ref.id}: ${p.kind}: ${p.detail}`, model: ref.id, address: ref.address });
    models.push(r.value);
  }
  return { chain: [...chain], complete: true, models, identity: identityOf(models), quantities: toQuantities(models, options), problems };
}
