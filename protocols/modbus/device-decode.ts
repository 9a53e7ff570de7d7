// Read answers → normalised values. A register that was read but cannot become a number
// (not implemented, NaN, scale factor missing) is left out of the values and listed as a
// rejection, so callers count it and never store a made-up value.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import type { ReadFunctionCode } from './pdu.js';
import { registerWords, type DeviceDefinition, type PollGroup, type RegisterDef } from './registers.js';
import { decodeRaw, isNotImplemented, rawToValue, type RawValue } from './values.js';

export interface ReadBlock {
  functionCode: ReadFunctionCode;
  address: number;
  registers: ArrayLike<number>;
}

export type RegisterRejectionReason =
  | 'not-implemented'
  | 'not-finite'
  | 'scale-factor-missing'
  | 'scale-factor-invalid'
  | 'sign-flag-missing'
  | 'opposite-missing'
  | 'missing';

export interface RegisterRejection {
  register: string;
  reason: RegisterRejectionReason;
  detail: string;
}

export interface DeviceDecodeResult {
  values: QuantityValues;
  /** Raw values of every register read (identity strings, settings, enums …), by name. */
  raw: Record<string, RawValue>;
  rejections: RegisterRejection[];
}

function locate(blocks: readonly ReadBlock[], reg: RegisterDef): { block: ReadBlock; offset: number } | undefined {
  const words = registerWords(reg);
  for (const block of blocks) {
    if (block.functionCode !== reg.functionCode) continue;
    const offset = reg.address - block.address;
    if (offset >= 0 && offset + words <= block.registers.length) return { block, offset };
  }
  return undefined;
}

/**
 * Decodes every register of `def` that the blocks cover. With `expect`, registers of those poll
 * groups that no block covers are rejected as `missing`.
 */
export function decodeDeviceRegisters(
  def: DeviceDefinition,
  blocks: readonly ReadBlock[],
  expect?: { groups: readonly PollGroup[] },
): DeviceDecodeResult {
  const raw: Record<string, RawValue> = {};
  const values: QuantityValues = {};
  const rejections: RegisterRejection[] = [];
  for (const reg of def.registers) {
    const at = locate(blocks, reg);
    if (!at) {
      if (expect?.groups.includes(reg.poll)) rejections.push({ register: reg.name, reason: 'missing', detail: 'not in any answer' });
      continue;
    }
    raw[reg.name] = decodeRaw(reg, at.block.registers, at.offset);
  }
  for (const reg of def.registers) {
    const value = raw[reg.name];
    if (value === undefined || reg.quantity === undefined) continue;
    // Read only because it lay between wanted registers, without the flag its sign needs: not this read's value.
    const partner = reg.signFrom?.register ?? reg.opposite;
    if (partner !== undefined && raw[partner] === undefined && expect && !expect.groups.includes(reg.poll)) continue;
    const q = toQuantity(def, reg, value, raw);
    if (typeof q === 'number') values[reg.quantity as Quantity] = q;
    else rejections.push({ register: reg.name, ...q });
  }
  return { values, raw, rejections };
}

function toQuantity(
  def: DeviceDefinition,
  reg: RegisterDef,
  value: RawValue,
  raw: Record<string, RawValue>,
): number | { reason: RegisterRejectionReason; detail: string } {
  if (typeof value !== 'number') return { reason: 'not-finite', detail: `'${value}' is not a number` };
  if (isNotImplemented(reg, value)) return { reason: 'not-implemented', detail: `raw ${value} means not implemented` };
  if (!Number.isFinite(value)) return { reason: 'not-finite', detail: `raw value ${value}` };
  let sf = 0;
  if (reg.scaleFactor !== undefined) {
    const sfRaw = raw[reg.scaleFactor];
    if (sfRaw === undefined) return { reason: 'scale-factor-missing', detail: `${reg.scaleFactor} was not read` };
    const sfDef = def.registers.find((r) => r.name === reg.scaleFactor);
    // SunSpec allows -10..10; anything else (0x8000 included) is not a usable scale factor.
    if (typeof sfRaw !== 'number' || (sfDef && isNotImplemented(sfDef, sfRaw)) || sfRaw < -10 || sfRaw > 10)
      return { reason: 'scale-factor-invalid', detail: `${reg.scaleFactor} = ${sfRaw}` };
    sf = sfRaw;
  }
  let v = rawToValue(reg, value, sf);
  if (!Number.isFinite(v)) return { reason: 'not-finite', detail: `scaled value ${v}` };
  if (reg.signFrom !== undefined) {
    const flag = raw[reg.signFrom.register];
    if (typeof flag !== 'number') return { reason: 'sign-flag-missing', detail: `${reg.signFrom.register} was not read` };
    const set = (flag & reg.signFrom.mask) !== 0;
    v = Math.abs(v) * (set === (reg.signFrom.negativeWhen === 'set') ? -1 : 1);
  }
  if (reg.opposite !== undefined) {
    const other = def.registers.find((r) => r.name === reg.opposite);
    const o = raw[reg.opposite];
    if (!other || typeof o !== 'number') return { reason: 'opposite-missing', detail: `${reg.opposite} was not read` };
    if (isNotImplemented(other, o)) return { reason: 'not-implemented', detail: `${reg.opposite}: raw ${o} means not implemented` };
    v -= rawToValue({ ...other, quantity: reg.quantity }, o);
  }
  return v;
}
