// A-XDR data: every type a HAN list may use decodes as encoded, and no length is trusted.
import { describe, expect, it } from 'vitest';
import { readData, writeData, type DlmsData } from '../../../protocols/han/axdr.js';

const decode = (bytes: number[]) => readData({ bytes: Uint8Array.from(bytes), at: 0 });

describe('A-XDR data', () => {
  it('decodes integers of every width with their sign', () => {
    expect(decode([0x0f, 0xff])).toEqual({ ok: true, value: { type: 'integer', value: -1 } });
    expect(decode([0x11, 0xff])).toEqual({ ok: true, value: { type: 'unsigned', value: 255 } });
    expect(decode([0x10, 0xff, 0xfe])).toEqual({ ok: true, value: { type: 'long', value: -2 } });
    expect(decode([0x12, 0xff, 0xfe])).toEqual({ ok: true, value: { type: 'long-unsigned', value: 65534 } });
    expect(decode([0x05, 0x80, 0, 0, 0])).toEqual({ ok: true, value: { type: 'double-long', value: -2147483648 } });
    expect(decode([0x06, 0xff, 0xff, 0xff, 0xff])).toEqual({ ok: true, value: { type: 'double-long-unsigned', value: 4294967295 } });
    expect(decode([0x14, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])).toEqual({ ok: true, value: { type: 'long64', value: -2 } });
    expect(decode([0x15, 0, 0, 0, 1, 0, 0, 0, 0])).toEqual({ ok: true, value: { type: 'long64-unsigned', value: 4294967296 } });
    expect(decode([0x16, 27])).toEqual({ ok: true, value: { type: 'enum', value: 27 } });
  });

  it('round-trips every type through the encoder', () => {
    const values: DlmsData[] = [
      { type: 'null' },
      { type: 'boolean', value: true },
      { type: 'bit-string', bits: 12, bytes: Uint8Array.from([0xab, 0xc0]) },
      { type: 'float32', value: 1.5 },
      { type: 'float64', value: -1234.5678 },
      { type: 'bcd', value: 0x42 },
      { type: 'octet-string', bytes: new Uint8Array(300).fill(7) },
      { type: 'visible-string', text: 'AIDON_V0001', bytes: new TextEncoder().encode('AIDON_V0001') },
      { type: 'utf8-string', text: 'Ø', bytes: new TextEncoder().encode('Ø') },
      { type: 'date-time', bytes: Uint8Array.from([7, 0xe8, 1, 1, 1, 0, 0, 0, 0xff, 0x80, 0, 0]) },
      { type: 'date', bytes: Uint8Array.from([7, 0xe8, 1, 1, 1]) },
      { type: 'time', bytes: Uint8Array.from([1, 2, 3, 0xff]) },
      { type: 'structure', items: [{ type: 'array', items: [{ type: 'long', value: -300 }] }, { type: 'enum', value: 35 }] },
    ];
    for (const v of values) {
      const bytes = writeData(v);
      const back = decode(bytes);
      expect(back).toEqual({ ok: true, value: v });
    }
  });

  it('checks every count and length against the bytes left', () => {
    expect(decode([0x01, 0x05, 0x11, 1]).ok).toBe(false); // array of 5 with 2 bytes left
    expect(decode([0x09, 0x82, 0x10, 0x00, 1, 2]).ok).toBe(false); // 4096-byte string, 2 there
    expect(decode([0x09, 0x84, 0, 0, 0, 1, 0]).ok).toBe(false); // 4-byte length form refused
    expect(decode([0x06, 0, 0]).ok).toBe(false);
    expect(decode([0x19, 7, 0xe8]).ok).toBe(false);
    expect(decode([0x13, 0]).ok).toBe(false); // compact-array is not used on HAN
    expect(decode([]).ok).toBe(false);
  });
});
