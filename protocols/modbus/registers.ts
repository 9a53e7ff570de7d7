// Register maps as data: a device is a list of typed registers plus limits, never code.
// One table serves the gateway (decode) and the simulator (encode into a register image).
import type { Quantity } from '../../core/quantities.js';
import type { ReadFunctionCode } from './pdu.js';

export type RegisterType =
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'u64'
  | 'i64'
  /** Unsigned 32-bit counter that wraps (SunSpec acc32). */
  | 'acc32'
  | 'float32'
  | 'float64'
  /** Characters, two per word, NUL-padded; needs `words`. */
  | 'string'
  | 'enum16'
  | 'bitfield16'
  | 'bitfield32';

export const REGISTER_TYPES: readonly RegisterType[] = [
  'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'acc32', 'float32', 'float64', 'string', 'enum16', 'bitfield16', 'bitfield32',
];

/** Order of the 16-bit words of a multi-word value. */
export type WordOrder = 'high-first' | 'low-first';
/** Order of the two bytes inside each word; Modbus is big-endian, a few devices are not. */
export type ByteOrder = 'big' | 'little';
/** The direction a vendor document calls positive for a signed power (see protocols/devices/sign-conventions.ts). */
export type SignDirection = 'import' | 'export' | 'charge' | 'discharge';
/** fast: every cycle; slow: energy counters and the like; identity: once, at start or scan. */
export type PollGroup = 'fast' | 'slow' | 'identity';
export const POLL_GROUPS: readonly PollGroup[] = ['fast', 'slow', 'identity'];

export interface RegisterDef {
  /** Unique within the device, camelCase. */
  name: string;
  /** 0-based protocol address (manuals' 30001/40001 numbering minus the offset). */
  address: number;
  functionCode: ReadFunctionCode;
  type: RegisterType;
  /** Word count; required for `string`, implied by the type otherwise. */
  words?: number;
  /** Default high-first. */
  wordOrder?: WordOrder;
  /** Default big. */
  byteOrder?: ByteOrder;
  /** Value = raw × multiplier / divisor (× 10^scaleFactor) in `unit`. */
  multiplier?: number;
  divisor?: number;
  /** Name of a register holding a SunSpec-style power-of-ten scale factor (sunssf). */
  scaleFactor?: string;
  /** Unit of the scaled value as the vendor documents it (kWh, V, …). */
  unit?: string;
  /** Normalised quantity this register feeds; the unit is converted (kWh → Wh). */
  quantity?: Quantity;
  poll: PollGroup;
  /** Raw values meaning "not implemented / not available" (e.g. SunSpec 0x8000 for int16). */
  notImplemented?: readonly number[];
  /**
   * What the vendor calls positive, when the register feeds a signed power; where it is the
   * opposite of nabo's convention the multiplier carries the -1 (set by defineDevice).
   */
  positive?: SignDirection;
  /**
   * Sign from a status flag, magnitude from this register: the value is |raw × scale|, negated
   * when the flag register's `mask` bits are set (`negativeWhen: 'set'`) or clear. For devices
   * that report an unsigned power and its direction apart (Sungrow, Solis batteries).
   */
  signFrom?: { register: string; mask: number; negativeWhen: 'set' | 'clear'; vendor?: string };
  /**
   * The register holding the opposite direction's magnitude, for devices that split one flow
   * into two unsigned registers (Growatt charge and discharge power): the value is this
   * register minus that one, both in the quantity's unit. That register carries no quantity.
   */
  opposite?: string;
  /**
   * A value the simulator always serves here (a 'SunS' marker, a SunSpec model id or length): a
   * real device's value is read as it is, and the docs show it.
   */
  fixed?: number | string;
  /** Names of enum values, for docs and the CLI. */
  enumValues?: Readonly<Record<number, string>>;
  description?: string;
}

export interface ForbiddenRange {
  functionCode: ReadFunctionCode;
  /** First address that must not be read. */
  start: number;
  /** One past the last. */
  end: number;
  reason?: string;
}

export interface DeviceLimits {
  /** At most 125 (the protocol's limit); some devices allow fewer. */
  maxRegistersPerRequest: number;
  /** Address ranges the device answers with an exception when a read touches them. */
  forbidden: readonly ForbiddenRange[];
}

export interface SerialDefaults {
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/**
 * A value that must be one of `anyOf` for a device to be recognised: the raw value of a register
 * of the map, or the answer to a one-word `probe` read that the device answers specially
 * (Carlo Gavazzi's model code at 0x000B overlaps a measured value when read as part of a block).
 */
export type SignatureCheck =
  | { register: string; probe?: undefined; anyOf: readonly (number | string)[] }
  | { probe: { functionCode: ReadFunctionCode; address: number }; register?: undefined; anyOf: readonly number[] };

/** What a device is to a building: decides the simulator's truth and the docs' grouping. */
export type DeviceCategory = 'meter' | 'pv-inverter' | 'hybrid-inverter' | 'battery-inverter' | 'energy-gateway';
export const DEVICE_CATEGORIES: readonly DeviceCategory[] = ['meter', 'pv-inverter', 'hybrid-inverter', 'battery-inverter', 'energy-gateway'];

export interface DefinitionSource {
  /** The vendor document the table follows: title (and section). */
  document: string;
  /** Its version or date. */
  version: string;
  /** Second public sources (open-source readers' register maps) the table was compared with. */
  crossChecks?: readonly string[];
  /** Where those sources disagree with the vendor document or with each other, and what we chose. */
  differences?: readonly string[];
  notes?: readonly string[];
}

export interface DeviceDefinition {
  /** kebab-case, `manufacturer-model`, e.g. `eastron-sdm630`. */
  id: string;
  manufacturer: string;
  model: string;
  description: string;
  /** Default meter; inverters, batteries and gateways say so. */
  category?: DeviceCategory;
  /** What the table was checked against: vendor document and version, and cross-checks. */
  source: DefinitionSource;
  transports: readonly ('rtu' | 'tcp')[];
  serialDefaults?: SerialDefaults;
  defaultUnitId?: number;
  limits: DeviceLimits;
  registers: readonly RegisterDef[];
  /** All checks must hold for `nabo scan` to say "this is that device". */
  identification?: readonly SignatureCheck[];
}

const FIXED_WORDS: Record<Exclude<RegisterType, 'string'>, number> = {
  u16: 1,
  i16: 1,
  enum16: 1,
  bitfield16: 1,
  u32: 2,
  i32: 2,
  acc32: 2,
  float32: 2,
  bitfield32: 2,
  u64: 4,
  i64: 4,
  float64: 4,
};

export function registerWords(def: Pick<RegisterDef, 'type' | 'words'>): number {
  if (def.type === 'string') return def.words ?? 0;
  return FIXED_WORDS[def.type];
}

/** The usual "not implemented" raw values of SunSpec, by type. */
export const SUNSPEC_NOT_IMPLEMENTED: Partial<Record<RegisterType, readonly number[]>> = {
  u16: [0xffff],
  enum16: [0xffff],
  bitfield16: [0xffff],
  i16: [-0x8000],
  u32: [0xffffffff],
  bitfield32: [0xffffffff],
  i32: [-0x80000000],
  acc32: [0],
};

const SIGNED_TYPES: ReadonlySet<RegisterType> = new Set(['i16', 'i32', 'i64', 'float32', 'float64']);

export function findRegister(def: DeviceDefinition, name: string): RegisterDef | undefined {
  return def.registers.find((r) => r.name === name);
}

/**
 * Checks a definition's internal consistency; returns the problems (empty when sound). Used
 * by the tests on every definition and by loaders of user-supplied definitions.
 */
export function validateDefinition(def: DeviceDefinition): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(def.id)) problems.push(`id '${def.id}' is not kebab-case`);
  const max = def.limits.maxRegistersPerRequest;
  if (!Number.isInteger(max) || max < 1 || max > 125) problems.push(`maxRegistersPerRequest ${max} outside 1..125`);
  const names = new Set<string>();
  const quantities = new Set<string>();
  for (const r of def.registers) {
    if (names.has(r.name)) problems.push(`register name '${r.name}' repeats`);
    names.add(r.name);
    if (r.quantity) {
      if (quantities.has(r.quantity)) problems.push(`quantity ${r.quantity} fed by more than one register`);
      quantities.add(r.quantity);
    }
    const words = registerWords(r);
    if (words < 1) problems.push(`${r.name}: string without a word count`);
    if (words > max) problems.push(`${r.name}: ${words} words exceed the request limit ${max}`);
    if (!Number.isInteger(r.address) || r.address < 0 || r.address + words > 0x10000) problems.push(`${r.name}: address ${r.address} out of range`);
    if (r.divisor === 0) problems.push(`${r.name}: divisor 0`);
    if (r.positive !== undefined && (r.quantity === undefined || !SIGNED_TYPES.has(r.type)))
      problems.push(`${r.name}: a sign convention needs a signed register feeding a quantity`);
    for (const f of def.limits.forbidden) {
      if (f.functionCode === r.functionCode && r.address < f.end && r.address + words > f.start)
        problems.push(`${r.name}: lies in forbidden range ${f.start}..${f.end - 1}`);
    }
  }
  for (const r of def.registers) {
    if (r.scaleFactor === undefined) continue;
    const sf = def.registers.find((x) => x.name === r.scaleFactor);
    if (!sf) problems.push(`${r.name}: scale factor register '${r.scaleFactor}' missing`);
    else if (sf.type !== 'i16') problems.push(`${r.name}: scale factor register '${sf.name}' is not i16`);
  }
  for (const r of def.registers) {
    if (r.signFrom === undefined) continue;
    const flag = def.registers.find((x) => x.name === r.signFrom?.register);
    if (!flag) problems.push(`${r.name}: sign flag register '${r.signFrom.register}' missing`);
    else if (!['u16', 'i16', 'enum16', 'bitfield16', 'u32', 'bitfield32'].includes(flag.type)) problems.push(`${r.name}: sign flag register '${flag.name}' is not an integer`);
    if (r.quantity === undefined) problems.push(`${r.name}: a sign flag needs a quantity`);
  }
  for (const r of def.registers) {
    if (r.opposite === undefined) continue;
    const other = def.registers.find((x) => x.name === r.opposite);
    if (!other) problems.push(`${r.name}: opposite register '${r.opposite}' missing`);
    else if (other.quantity !== undefined) problems.push(`${r.name}: opposite register '${other.name}' must not feed a quantity itself`);
    if (r.quantity === undefined || r.signFrom !== undefined) problems.push(`${r.name}: an opposite register needs a quantity and no sign flag`);
  }
  for (const check of def.identification ?? []) {
    if (check.register !== undefined && !names.has(check.register)) problems.push(`identification register '${check.register}' missing`);
  }
  const sorted = def.registers.filter((r) => r.functionCode === 3 || r.functionCode === 4)
    .map((r) => ({ r, end: r.address + registerWords(r) }))
    .sort((a, b) => a.r.functionCode - b.r.functionCode || a.r.address - b.r.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.r.functionCode === cur.r.functionCode && cur.r.address < prev.end)
      problems.push(`${cur.r.name} overlaps ${prev.r.name}`);
  }
  return problems;
}
