// The authoring form of a device definition: every register an object with named fields, the
// table's common settings (function code, type, word order, not-available values) said once
// in `defaults`, and the vendor's sign convention as data (`positive: 'export'`).
// `defineDevice` expands it into the DeviceDefinition the planner, decoder and simulator use.
import { QUANTITIES, type Quantity } from '../../core/quantities.js';
import type { DeviceDefinition, PollGroup, RegisterDef, RegisterType, SignDirection } from '../modbus/registers.js';
import { signFactor } from './sign-conventions.js';

/** One register as a definition file writes it: anything left out comes from the defaults. */
export type RegisterSpec = Partial<Omit<RegisterDef, 'name' | 'address' | 'signFrom'>> &
  Pick<RegisterDef, 'name' | 'address'> & {
    /** The direction comes from a status flag: when `mask` is set in `register`, the flow is `set`. */
    signFrom?: { register: string; mask: number; set: SignDirection };
  };

export interface RegisterDefaults {
  functionCode?: RegisterDef['functionCode'];
  type?: RegisterType;
  wordOrder?: RegisterDef['wordOrder'];
  byteOrder?: RegisterDef['byteOrder'];
  /** Not-available raw values by register type (e.g. { u32: [0xffffffff] }). */
  notImplemented?: Partial<Record<RegisterType, readonly number[]>>;
}

export interface DeviceSpec extends Omit<DeviceDefinition, 'registers'> {
  defaults?: RegisterDefaults;
  registers: readonly RegisterSpec[];
}

const COUNTER_UNITS = new Set(['Wh', 'varh', 'm3']);

/** Without a poll group: counters slow, other quantities fast, registers without a quantity slow. */
function defaultPoll(quantity: Quantity | undefined): PollGroup {
  if (quantity === undefined) return 'slow';
  return COUNTER_UNITS.has(QUANTITIES[quantity]) ? 'slow' : 'fast';
}

const MULTI_WORD: ReadonlySet<RegisterType> = new Set(['u32', 'i32', 'u64', 'i64', 'acc32', 'float32', 'float64', 'bitfield32', 'string']);

function expandRegister(deviceId: string, r: RegisterSpec, d: RegisterDefaults): RegisterDef {
  const functionCode = r.functionCode ?? d.functionCode;
  const type = r.type ?? d.type;
  if (functionCode === undefined || type === undefined) throw new Error(`${deviceId}.${r.name}: no function code or type, and no default for it`);
  const out: RegisterDef = { name: r.name, address: r.address, functionCode, type, poll: r.poll ?? defaultPoll(r.quantity) };
  if (r.words !== undefined) out.words = r.words;
  const wordOrder = r.wordOrder ?? (MULTI_WORD.has(type) ? d.wordOrder : undefined);
  if (wordOrder !== undefined) out.wordOrder = wordOrder;
  const byteOrder = r.byteOrder ?? d.byteOrder;
  if (byteOrder !== undefined) out.byteOrder = byteOrder;
  let multiplier = r.multiplier;
  if (r.positive !== undefined) {
    const f = signFactor(r.quantity, r.positive);
    if (typeof f === 'string') throw new Error(`${deviceId}.${r.name}: ${f}`);
    out.positive = r.positive;
    if (f === -1) multiplier = -(multiplier ?? 1);
  }
  if (r.signFrom !== undefined) {
    const f = signFactor(r.quantity, r.signFrom.set);
    if (typeof f === 'string') throw new Error(`${deviceId}.${r.name}: ${f}`);
    out.signFrom = { register: r.signFrom.register, mask: r.signFrom.mask, negativeWhen: f === -1 ? 'set' : 'clear', vendor: r.signFrom.set };
  }
  if (r.opposite !== undefined) out.opposite = r.opposite;
  if (multiplier !== undefined) out.multiplier = multiplier;
  if (r.divisor !== undefined) out.divisor = r.divisor;
  if (r.scaleFactor !== undefined) out.scaleFactor = r.scaleFactor;
  if (r.unit !== undefined) out.unit = r.unit;
  if (r.quantity !== undefined) out.quantity = r.quantity;
  const ni = r.notImplemented ?? d.notImplemented?.[type];
  if (ni !== undefined) out.notImplemented = ni;
  if (r.fixed !== undefined) out.fixed = r.fixed;
  if (r.enumValues !== undefined) out.enumValues = r.enumValues;
  if (r.description !== undefined) out.description = r.description;
  return out;
}

/** Expands a definition file's spec; throws on a register the defaults cannot complete (a programming error). */
export function defineDevice(spec: DeviceSpec): DeviceDefinition {
  const { defaults = {}, registers, ...rest } = spec;
  return { ...rest, registers: registers.map((r) => expandRegister(spec.id, r, defaults)) };
}
