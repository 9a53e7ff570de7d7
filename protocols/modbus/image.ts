// A device's register image: what a simulated meter holds, built from normalised values with
// the same definition the gateway decodes with. The simulator answers reads from it.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import { MAX_READ_REGISTERS, type ModbusRequest, type ModbusResponse, type ReadFunctionCode } from './pdu.js';
import { registerWords, type DeviceDefinition, type RegisterDef } from './registers.js';
import { encodeRaw, rawRange, valueToRaw, type RawValue } from './values.js';

export interface RegisterImage {
  /** Function 3 space, 65536 words. */
  readonly holding: Uint16Array;
  /** Function 4 space, 65536 words. */
  readonly input: Uint16Array;
}

export function emptyRegisterImage(): RegisterImage {
  return { holding: new Uint16Array(0x10000), input: new Uint16Array(0x10000) };
}

export function imageSpace(image: RegisterImage, functionCode: ReadFunctionCode): Uint16Array {
  return functionCode === 3 ? image.holding : image.input;
}

/** Powers of ten tried for SunSpec scale factors, most precise first. */
const SCALE_FACTORS = [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6];

/**
 * Picks, for a scale-factor register, the most precise power of ten at which every dependent
 * value fits its type without hitting a not-implemented sentinel.
 */
function chooseScaleFactor(dependents: RegisterDef[], values: QuantityValues): number {
  for (const sf of SCALE_FACTORS) {
    const fits = dependents.every((d) => {
      const v = d.quantity === undefined ? undefined : values[d.quantity];
      if (v === undefined) return true;
      const raw = Math.round(valueToRaw(d, v, sf));
      const range = rawRange(d);
      if (range && (raw < range[0] || raw > range[1])) return false;
      if (d.type === 'acc32' && (raw < 0 || raw > 0xffffffff)) return false;
      return !(d.notImplemented?.includes(raw) ?? false);
    });
    if (fits) return sf;
  }
  return 0;
}

export interface ImageOptions {
  /** Raw values by register name (identity strings, settings, fixed scale factors). */
  raw?: Readonly<Record<string, RawValue>>;
  /**
   * What to write where a quantity register has no value: the register's first
   * not-implemented sentinel (default, so a decoder sees it as absent) or zero.
   */
  missing?: 'sentinel' | 'zero';
}

/**
 * Writes `values` (and identity/raw values) into `image` in place. Signature registers get
 * their expected value unless `raw` overrides it, so `nabo scan` recognises the simulated meter.
 */
export function writeDeviceValues(image: RegisterImage, def: DeviceDefinition, values: QuantityValues, options: ImageOptions = {}): void {
  const raw: Record<string, RawValue> = {};
  for (const check of def.identification ?? []) if (check.register !== undefined) raw[check.register] = check.anyOf[0]!;
  for (const reg of def.registers) if (reg.fixed !== undefined && raw[reg.name] === undefined) raw[reg.name] = reg.fixed;
  Object.assign(raw, options.raw);

  // A value whose sign lives in a status flag: the magnitude goes to the register, the sign to the flag.
  const signed = new Map<string, number>();
  for (const reg of def.registers) {
    const v = reg.quantity === undefined ? undefined : values[reg.quantity as Quantity];
    if (reg.signFrom === undefined || v === undefined) continue;
    const { register, mask, negativeWhen } = reg.signFrom;
    const flagSet = (v < 0) === (negativeWhen === 'set');
    const before = typeof raw[register] === 'number' ? (raw[register] as number) : 0;
    raw[register] = flagSet ? before | mask : before & ~mask;
    signed.set(reg.name, Math.abs(v));
  }
  // A flow split into two unsigned registers: the positive part here, the negative part there.
  for (const reg of def.registers) {
    const v = reg.quantity === undefined ? undefined : values[reg.quantity as Quantity];
    const other = reg.opposite === undefined ? undefined : def.registers.find((r) => r.name === reg.opposite);
    if (!other || v === undefined || reg.quantity === undefined) continue;
    signed.set(reg.name, Math.max(0, v));
    raw[other.name] = v < 0 ? valueToRaw({ ...other, quantity: reg.quantity }, -v) : 0;
  }

  const sfValue = new Map<string, number>();
  for (const reg of def.registers) {
    if (reg.scaleFactor === undefined || sfValue.has(reg.scaleFactor)) continue;
    const given = raw[reg.scaleFactor];
    const dependents = def.registers.filter((r) => r.scaleFactor === reg.scaleFactor);
    sfValue.set(reg.scaleFactor, typeof given === 'number' ? given : chooseScaleFactor(dependents, values));
  }

  for (const reg of def.registers) {
    const space = imageSpace(image, reg.functionCode);
    let value: RawValue | undefined = raw[reg.name] ?? sfValue.get(reg.name);
    const quantityValue = signed.get(reg.name) ?? (reg.quantity === undefined ? undefined : values[reg.quantity as Quantity]);
    if (value === undefined && quantityValue !== undefined) {
      value = valueToRaw(reg, quantityValue, reg.scaleFactor === undefined ? 0 : sfValue.get(reg.scaleFactor) ?? 0);
    }
    if (value === undefined) {
      const sentinel = reg.notImplemented?.[0];
      value = options.missing !== 'zero' && sentinel !== undefined && reg.quantity !== undefined ? sentinel : reg.type === 'string' ? '' : 0;
    }
    encodeRaw(reg, value, space, reg.address);
  }
}

export function buildRegisterImage(def: DeviceDefinition, values: QuantityValues, options: ImageOptions = {}): RegisterImage {
  const image = emptyRegisterImage();
  writeDeviceValues(image, def, values, options);
  return image;
}

/**
 * Answers a read from the image as the device would: exception 2 (illegal data address) when
 * the read touches a forbidden range, 3 when it asks more than the device's request limit.
 * The registers are a view into the image: encode the answer before the image changes.
 */
export function answerReadRequest(def: DeviceDefinition, image: RegisterImage, req: ModbusRequest): ModbusResponse {
  if (req.kind !== 'read') return { kind: 'exception', functionCode: req.functionCode, exceptionCode: 1 };
  const end = req.address + req.quantity;
  const limit = Math.min(def.limits.maxRegistersPerRequest, MAX_READ_REGISTERS);
  if (req.quantity > limit) return { kind: 'exception', functionCode: req.functionCode, exceptionCode: 3 };
  if (end > 0x10000) return { kind: 'exception', functionCode: req.functionCode, exceptionCode: 2 };
  for (const f of def.limits.forbidden) {
    if (f.functionCode === req.functionCode && req.address < f.end && end > f.start)
      return { kind: 'exception', functionCode: req.functionCode, exceptionCode: 2 };
  }
  // A one-word probe read of a signature is answered with the model code, as the device does.
  const probe = req.quantity === 1 ? def.identification?.find((c) => c.probe?.functionCode === req.functionCode && c.probe.address === req.address) : undefined;
  if (probe) return { kind: 'read', functionCode: req.functionCode, registers: Uint16Array.of(Number(probe.anyOf[0]) & 0xffff) };
  return { kind: 'read', functionCode: req.functionCode, registers: imageSpace(image, req.functionCode).subarray(req.address, end) };
}

/** Words the definition occupies in each space, for tests and the simulator's bookkeeping. */
export function definitionFootprint(def: DeviceDefinition): number {
  return def.registers.reduce((n, r) => n + registerWords(r), 0);
}
