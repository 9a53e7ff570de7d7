import { describe, expect, it } from 'vitest';
import { RegisterImage } from '../../../device-sim/devices/register-image.js';

describe('register image', () => {
  it('merges touching and overlapping blocks into runs, later words winning', () => {
    const image = new RegisterImage().set('input', 10, [1, 2]).set('input', 14, [5]).set('input', 12, [3, 4]).set('input', 11, [9]);
    expect(image.runs('input')).toEqual([{ start: 10, length: 5 }]);
    expect(image.read('input', 10, 5)).toEqual(Uint16Array.of(1, 9, 3, 4, 5));
    expect(image.size('input')).toBe(5);
    expect(image.size('holding')).toBe(0);
  });

  it('answers exception 2 for a read touching an unmapped word, unless gaps read as zero', () => {
    const strict = new RegisterImage().set('holding', 0, [7]).set('holding', 2, [8]);
    expect(strict.read('holding', 0, 3)).toBe(2);
    expect(strict.read('holding', 2, 1)).toEqual(Uint16Array.of(8));
    const open = new RegisterImage({ gapsReadAsZero: true }).set('holding', 0, [7]).set('holding', 2, [8]);
    expect(open.read('holding', 0, 4)).toEqual(Uint16Array.of(7, 0, 8, 0));
    expect(open.has('holding', 1)).toBe(false);
    expect(open.has('holding', 2)).toBe(true);
  });

  it('refuses forbidden ranges with exception 2 and over-long reads with exception 3', () => {
    const image = new RegisterImage({ gapsReadAsZero: true, forbidden: [{ table: 'input', start: 100, end: 110 }], maxRegistersPerRequest: 80 });
    expect(image.read('input', 95, 6)).toBe(2);
    expect(image.read('input', 95, 5)).toEqual(new Uint16Array(5));
    expect(image.read('holding', 100, 5)).toEqual(new Uint16Array(5));
    expect(image.read('input', 0, 81)).toBe(3);
  });

  it('keeps words to 16 bits and rejects blocks past address 65535', () => {
    const image = new RegisterImage().set('both', 65534, [0x1ffff, -1]);
    expect(image.read('holding', 65534, 2)).toEqual(Uint16Array.of(0xffff, 0xffff));
    expect(image.read('input', 65534, 2)).toEqual(Uint16Array.of(0xffff, 0xffff));
    expect(() => image.set('input', 65535, [1, 2])).toThrow(RangeError);
  });
});
