// HDLC frame format type 3 on the HAN port: checksums, length field, addresses, segmentation.
import { describe, expect, it } from 'vitest';
import { crc16X25 } from '../../../protocols/checksums/crc16-x25.js';
import { encodeHdlcFrame, parseHdlcFrame } from '../../../protocols/han/hdlc.js';

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('CRC-16/X-25', () => {
  it('has the catalogue check value 0x906E for "123456789"', () => {
    expect(crc16X25(new TextEncoder().encode('123456789'))).toBe(0x906e);
  });

  it('gives the HCS of a captured Kaifa header (5A87 on the wire, LSB first)', () => {
    expect(crc16X25(h('A027010201 10'))).toBe(0x875a);
  });
});

describe('HDLC frame parsing', () => {
  const kaifa = h('7EA027010201105A87E6E7000F40000000090C07E60A1007150012FF80000002010600000D5FA12E7E');

  it('reads format, addresses and control of a captured frame', () => {
    const r = parseHdlcFrame(kaifa);
    expect(r.ok && r.value).toMatchObject({ segmented: false, length: 0x27, destination: 0x01, source: 0x0201, control: 0x10 });
    expect(r.ok && r.value.information.length).toBe(29);
  });

  it('rejects a frame whose FCS does not match', () => {
    const bad = kaifa.slice();
    bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 1;
    const r = parseHdlcFrame(bad);
    expect(!r.ok && r.error.kind).toBe('fcs');
  });

  it('rejects a frame whose HCS does not match even when the FCS is made to fit', () => {
    const info = h('E6E7000F40000000090C07E60A1007150012FF80000002010600000D5F');
    const good = encodeHdlcFrame({ destination: 1, source: 0x0201, control: 0x10, information: info });
    const bad = good.slice();
    bad[7] = (bad[7] as number) ^ 0xff; // HCS byte
    const fcs = crc16X25(bad, 1, bad.length - 3);
    bad[bad.length - 3] = fcs & 0xff;
    bad[bad.length - 2] = fcs >>> 8;
    const r = parseHdlcFrame(bad);
    expect(!r.ok && r.error.kind).toBe('hcs');
  });

  it('rejects a length field that disagrees with the bytes between the flags', () => {
    const cut = Uint8Array.from([...kaifa.subarray(0, 20), 0x7e]);
    const r = parseHdlcFrame(cut);
    expect(!r.ok && r.error.kind).toBe('length');
  });

  it('rejects missing flags, another frame type and addresses without an end bit', () => {
    expect(parseHdlcFrame(kaifa.subarray(1)).ok).toBe(false);
    const typeB = kaifa.slice();
    typeB[1] = 0xb0;
    expect(!parseHdlcFrame(typeB).ok && (parseHdlcFrame(typeB) as { error: { kind: string } }).error.kind).toBe('framing');
    const noEnd = h('7E A00A 02 04 06 08 10 0000 7E');
    const r = parseHdlcFrame(noEnd);
    expect(r.ok).toBe(false);
  });

  it('round-trips frames with 1- to 4-byte addresses and the segmentation bit', () => {
    for (const [destination, source] of [[0x41, 0x0883], [0x03, 0x21], [0x02000201, 0x00020023]] as const) {
      for (const segmented of [false, true]) {
        const information = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
        const r = parseHdlcFrame(encodeHdlcFrame({ destination, source, control: 0x13, information, segmented }));
        expect(r.ok && r.value).toMatchObject({ destination, source, control: 0x13, segmented });
        expect(r.ok && Buffer.from(r.value.information).equals(Buffer.from(information))).toBe(true);
      }
    }
  });

  it('refuses to build a frame beyond the 11-bit length field', () => {
    expect(() => encodeHdlcFrame({ destination: 1, source: 1, control: 0x13, information: new Uint8Array(2040) })).toThrow(RangeError);
  });
});
