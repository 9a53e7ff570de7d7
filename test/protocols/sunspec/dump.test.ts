import { describe, expect, it } from 'vitest';
import { parseRegisterDump } from '../../../protocols/sunspec/index.js';

describe('register dump text', () => {
  it('reads address/value lines in decimal and 0x-hex, with comments', () => {
    const r = parseRegisterDump('# inverter\n40000 0x5375\n40001 28243 // nS\n\n0x9C42 1\n');
    expect(r.ok && [...r.value]).toEqual([
      [40000, 0x5375],
      [40001, 0x6e53],
      [40002, 1],
    ]);
  });

  it('fills following registers when a line has several values', () => {
    const r = parseRegisterDump('40000: 0x5375 0x6E53 0xFFFF 0');
    expect(r.ok && [...r.value.keys()]).toEqual([40000, 40001, 40002, 40003]);
  });

  it('reads JSON objects and arrays of pairs, negative values as int16', () => {
    const o = parseRegisterDump('{"40000": 21365, "0x9C41": "0x6E53", "40002": -1}');
    expect(o.ok && [...o.value].sort((x, y) => x[0] - y[0])).toEqual([
      [40000, 21365],
      [40001, 0x6e53],
      [40002, 0xffff],
    ]);
    const a = parseRegisterDump('[[0, 21365], ["1", 28243]]');
    expect(a.ok && a.value.get(1)).toBe(28243);
  });

  it('rejects empty input, bad syntax, out-of-range numbers and conflicting duplicates', () => {
    expect(parseRegisterDump('  \n')).toMatchObject({ ok: false, error: { kind: 'empty' } });
    expect(parseRegisterDump('40000')).toMatchObject({ ok: false, error: { kind: 'syntax' } });
    expect(parseRegisterDump('40000 zz')).toMatchObject({ ok: false, error: { kind: 'syntax' } });
    expect(parseRegisterDump('{"a": 1')).toMatchObject({ ok: false, error: { kind: 'syntax' } });
    expect(parseRegisterDump('70000 1')).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(parseRegisterDump('1 65536')).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(parseRegisterDump('1 2\n1 3')).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(parseRegisterDump('[[1]]')).toMatchObject({ ok: false, error: { kind: 'syntax' } });
  });
});
