import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { answerReadRequest, buildRegisterImage } from '../../../protocols/modbus/image.js';
import { rtuLine } from '../../../protocols/modbus/line-time.js';
import { decodeRtuResponse } from '../../../protocols/modbus/rtu.js';
import { planReads } from '../../../protocols/modbus/planner.js';
import { REGISTER_TYPES, SUNSPEC_NOT_IMPLEMENTED, validateDefinition, type DeviceDefinition, type RegisterDef } from '../../../protocols/modbus/registers.js';
import { decodeRaw, encodeRaw, rawToValue, unitFactor } from '../../../protocols/modbus/values.js';
import { hexBytes, loadConformance } from './fixtures.js';

const registers = loadConformance('modbus-registers.json');
const vector = (id: string) => (registers.decode_vectors as any[]).find((v) => v.id === id);

describe('register decode vectors from the conformance set', () => {
  it('decodes the SDM630 voltage answer captured in Tasmota issue 13224 as big-endian float32', () => {
    const v = vector('vec-sdm630-tasmota-13224');
    const r = decodeRtuResponse(hexBytes(v.rtu_response_hex));
    if (!r.ok || r.value.response.kind !== 'read') throw new Error('capture did not decode');
    const reg: RegisterDef = { name: 'voltageL1', address: 0, functionCode: 4, type: 'float32', poll: 'fast' };
    expect(decodeRaw(reg, r.value.response.registers, 0)).toBe(v.expected[0].value);
  });

  it('decodes a low-word-first 32-bit value as mbmd asserts (01 02 03 04 → 0x03040102)', () => {
    const v = vector('vec-mbmd-int32-word-swap');
    const bytes = hexBytes(v.register_bytes_hex);
    const words = [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!];
    const reg: RegisterDef = { name: 'x', address: 0, functionCode: 4, type: 'u32', wordOrder: 'low-first', poll: 'fast' };
    expect(decodeRaw(reg, words, 0)).toBe(parseInt(v.expected[0].value, 16));
  });
});

const regOf = (type: RegisterDef['type'], extra: Partial<RegisterDef> = {}): RegisterDef => ({
  name: 'x', address: 0, functionCode: 3, type, poll: 'fast', ...(type === 'string' ? { words: 5 } : {}), ...extra,
});

const rawArb = (type: RegisterDef['type']): fc.Arbitrary<number | string> => {
  switch (type) {
    case 'u16': case 'enum16': case 'bitfield16': return fc.integer({ min: 0, max: 0xffff });
    case 'i16': return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'u32': case 'acc32': case 'bitfield32': return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'u64': return fc.bigInt({ min: 0n, max: 2n ** 53n }).map(Number);
    case 'i64': return fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }).map(Number);
    case 'float32': return fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x)).filter((x) => !Object.is(x, -0));
    case 'float64': return fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0));
    case 'string': return fc.string({ maxLength: 10 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'a'));
  }
};

describe('value codec', () => {
  for (const type of REGISTER_TYPES) {
    for (const wordOrder of ['high-first', 'low-first'] as const) {
      for (const byteOrder of ['big', 'little'] as const) {
        it(`round-trips ${type} (${wordOrder}, ${byteOrder}-endian words)`, () => {
          const reg = regOf(type, { wordOrder, byteOrder });
          fc.assert(
            fc.property(rawArb(type), (raw) => {
              const words = new Uint16Array(8);
              encodeRaw(reg, raw, words, 1);
              expect(decodeRaw(reg, words, 1)).toBe(raw);
              expect(words[0]).toBe(0);
            }),
            { numRuns: 100 },
          );
        });
      }
    }
  }

  it('puts the high word first by default and swaps on request', () => {
    const words = new Uint16Array(2);
    encodeRaw(regOf('u32'), 0x12345678, words, 0);
    expect(Array.from(words)).toEqual([0x1234, 0x5678]);
    encodeRaw(regOf('u32', { wordOrder: 'low-first' }), 0x12345678, words, 0);
    expect(Array.from(words)).toEqual([0x5678, 0x1234]);
    encodeRaw(regOf('u16', { byteOrder: 'little' }), 0x1234, words, 0);
    expect(words[0]).toBe(0x3412);
  });

  it('saturates integers out of range and wraps accumulators', () => {
    const words = new Uint16Array(2);
    encodeRaw(regOf('i16'), 40000, words, 0);
    expect(decodeRaw(regOf('i16'), words, 0)).toBe(0x7fff);
    encodeRaw(regOf('acc32'), 0x100000005, words, 0);
    expect(decodeRaw(regOf('acc32'), words, 0)).toBe(5);
  });

  it('converts vendor units to the quantity unit', () => {
    expect(unitFactor('kWh', 'Wh')).toBe(1000);
    expect(unitFactor('kVArh', 'varh')).toBe(1000);
    expect(unitFactor('VAr', 'var')).toBe(1);
    expect(unitFactor('mA', 'A')).toBe(0.001);
    expect(unitFactor('Hz', 'V')).toBeUndefined();
    expect(rawToValue({ ...regOf('i32'), unit: 'kWh', divisor: 10, quantity: 'energyImportWh' }, 12345)).toBe(1234500);
    expect(rawToValue({ ...regOf('i16'), unit: 'V', divisor: 10, quantity: 'voltageL1V' }, 2301)).toBe(230.1);
    expect(rawToValue({ ...regOf('i16'), unit: 'V', scaleFactor: 'vSf', quantity: 'voltageL1V' }, 2301, -1)).toBe(230.1);
  });
});

/** A definition exercising every feature: types, orders, fixed scale, scale-factor registers, sentinels. */
const synthetic: DeviceDefinition = {
  id: 'test-synthetic',
  manufacturer: 'Test',
  model: 'Synthetic',
  description: 'every register feature',
  source: { document: 'none', version: '0' },
  transports: ['tcp'],
  limits: { maxRegistersPerRequest: 20, forbidden: [{ functionCode: 4, start: 10, end: 12 }] },
  registers: [
    { name: 'voltageL1', address: 0, functionCode: 4, type: 'float32', unit: 'V', quantity: 'voltageL1V', poll: 'fast' },
    { name: 'power', address: 2, functionCode: 4, type: 'i32', wordOrder: 'low-first', divisor: 10, unit: 'W', quantity: 'powerW', poll: 'fast' },
    { name: 'energy', address: 4, functionCode: 4, type: 'u64', multiplier: 1, unit: 'kWh', divisor: 100, quantity: 'energyImportWh', poll: 'slow' },
    { name: 'frequency', address: 12, functionCode: 4, type: 'u16', divisor: 100, unit: 'Hz', quantity: 'frequencyHz', poll: 'fast' },
    { name: 'current', address: 13, functionCode: 4, type: 'i16', scaleFactor: 'currentSf', unit: 'A', quantity: 'currentL1A', notImplemented: SUNSPEC_NOT_IMPLEMENTED.i16!, poll: 'fast' },
    { name: 'currentSf', address: 14, functionCode: 4, type: 'i16', poll: 'fast' },
    { name: 'exported', address: 15, functionCode: 4, type: 'acc32', scaleFactor: 'energySf', unit: 'Wh', quantity: 'energyExportWh', notImplemented: [0], poll: 'slow' },
    { name: 'energySf', address: 17, functionCode: 4, type: 'i16', poll: 'slow' },
    { name: 'soc', address: 40, functionCode: 3, type: 'float64', byteOrder: 'little', unit: '%', quantity: 'socPercent', poll: 'fast' },
    { name: 'serial', address: 100, functionCode: 3, type: 'string', words: 8, poll: 'identity' },
  ],
  identification: [{ register: 'serial', anyOf: ['SYN-0001'] }],
};

describe('register image and device decoding', () => {
  it('accepts the synthetic definition as sound', () => {
    expect(validateDefinition(synthetic)).toEqual([]);
  });

  it('builds an image from values that plans, reads and decodes back to the same values', () => {
    const values = { voltageL1V: 231.25, powerW: -1234.5, energyImportWh: 98765430, frequencyHz: 49.98, currentL1A: 12.345, energyExportWh: 4567000, socPercent: 55.5 };
    const image = buildRegisterImage(synthetic, values);
    const plan = planReads(synthetic, { line: rtuLine(9600), groups: ['fast', 'slow', 'identity'] });
    const blocks = plan.requests.map((r) => {
      const answer = answerReadRequest(synthetic, image, { kind: 'read', functionCode: r.functionCode, address: r.address, quantity: r.quantity });
      if (answer.kind !== 'read') throw new Error(`exception reading ${r.address}`);
      return { functionCode: r.functionCode, address: r.address, registers: answer.registers };
    });
    const decoded = decodeDeviceRegisters(synthetic, blocks, { groups: ['fast', 'slow', 'identity'] });
    expect(decoded.rejections).toEqual([]);
    expect(decoded.values).toEqual(values);
    expect(decoded.raw.serial).toBe('SYN-0001');
    expect(decoded.raw.currentSf).toBe(-3);
  });

  it('leaves not-implemented values out and lists them as rejections', () => {
    const image = buildRegisterImage(synthetic, { voltageL1V: 230 });
    const blocks = [{ functionCode: 4 as const, address: 12, registers: image.input.subarray(12, 18) }];
    const decoded = decodeDeviceRegisters(synthetic, blocks);
    expect(decoded.values).toEqual({ frequencyHz: 0 });
    expect(decoded.rejections.map((r) => [r.register, r.reason])).toEqual([['current', 'not-implemented'], ['exported', 'not-implemented']]);
    expect('currentL1A' in decoded.values).toBe(false);
  });

  it('rejects a value whose scale factor was not read, and NaN floats', () => {
    const image = buildRegisterImage(synthetic, { currentL1A: 5, voltageL1V: NaN });
    const decoded = decodeDeviceRegisters(synthetic, [
      { functionCode: 4, address: 13, registers: image.input.subarray(13, 14) },
      { functionCode: 4, address: 0, registers: image.input.subarray(0, 2) },
    ]);
    expect(decoded.rejections.map((r) => r.reason).sort()).toEqual(['not-finite', 'scale-factor-missing']);
    expect(decoded.values).toEqual({});
  });

  it('answers a read touching a forbidden range with exception 2', () => {
    const image = buildRegisterImage(synthetic, {});
    const answer = answerReadRequest(synthetic, image, { kind: 'read', functionCode: 4, address: 8, quantity: 4 });
    expect(answer).toEqual({ kind: 'exception', functionCode: 4, exceptionCode: 2 });
  });
});
