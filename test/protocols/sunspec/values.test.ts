import { describe, expect, it } from 'vitest';
import { applyScale, encodeRaw, readRaw, type PointType } from '../../../protocols/sunspec/index.js';

describe('SunSpec point values', () => {
  it.each<[PointType, number[]]>([
    ['int16', [0x8000]],
    ['sunssf', [0x8000]],
    ['uint16', [0xffff]],
    ['count', [0xffff]],
    ['enum16', [0xffff]],
    ['bitfield16', [0xffff]],
    ['acc16', [0]],
    ['int32', [0x8000, 0]],
    ['uint32', [0xffff, 0xffff]],
    ['enum32', [0xffff, 0xffff]],
    ['bitfield32', [0xffff, 0xffff]],
    ['acc32', [0, 0]],
    ['float32', [0x7fc0, 0]],
    ['int64', [0x8000, 0, 0, 0]],
    ['uint64', [0xffff, 0xffff, 0xffff, 0xffff]],
    ['acc64', [0, 0, 0, 0]],
  ])('reads %s %j as not implemented, not a number', (type, words) => {
    expect(readRaw(words, 0, type, words.length)).toBeUndefined();
    expect(encodeRaw(type, words.length, undefined)).toEqual(words);
  });

  it('reads a string of NULs (or blanks) as absent and trims the NUL padding', () => {
    expect(readRaw([0, 0, 0], 0, 'string', 3)).toBeUndefined();
    expect(readRaw([0x2020, 0x2020], 0, 'string', 2)).toBeUndefined();
    expect(readRaw([0x4162, 0x6300, 0], 0, 'string', 3)).toBe('Abc');
  });

  it('reads signed, unsigned, 32- and 64-bit values big-endian', () => {
    expect(readRaw([0xffff], 0, 'int16', 1)).toBe(-1);
    expect(readRaw([0x7fff], 0, 'int16', 1)).toBe(32767);
    expect(readRaw([0x0001, 0x6227], 0, 'acc32', 2)).toBe(90663);
    expect(readRaw([0xffff, 0xfffe], 0, 'int32', 2)).toBe(-2);
    expect(readRaw([0, 0, 0x0001, 0x0000], 0, 'acc64', 4)).toBe(65536);
    expect(readRaw([0x4b36, 0x24fc], 0, 'float32', 2)).toBe(11937020);
    expect(readRaw([0x7f80, 0], 0, 'float32', 2)).toBeUndefined(); // +Inf is no reading either
  });

  it('scales without binary noise', () => {
    expect(applyScale(5348, -2)).toBe(53.48);
    expect(applyScale(9925, -4)).toBe(0.9925);
    expect(applyScale(654, 1)).toBe(6540);
    expect(applyScale(-12350, -1)).toBe(-1235);
  });

  it('encodes what it reads', () => {
    for (const [type, size, v] of [
      ['int16', 1, -1234],
      ['uint32', 2, 4000000000],
      ['int32', 2, -70000],
      ['acc64', 4, 2 ** 40 + 3],
      ['float32', 2, 247.4],
      ['string', 4, 'SunSpec'],
    ] as Array<[PointType, number, number | string]>) {
      expect(readRaw(encodeRaw(type, size, v), 0, type, size)).toBe(v);
    }
  });
});
