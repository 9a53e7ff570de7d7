import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMbapResponse } from '../../../protocols/modbus/mbap.js';
import { encodeRtuRequest, encodeRtuResponse } from '../../../protocols/modbus/rtu.js';
import { MbapFrameSplitter, RtuFrameSplitter } from '../../../protocols/modbus/stream.js';
import { hexBytes, loadConformance, toHexString } from './fixtures.js';

const frames: any[] = loadConformance('modbus-frames.json').rtu_frames;
const raw = (id: string) => hexBytes(frames.find((f) => f.id === id).raw_hex);

describe('RTU stream splitter', () => {
  it('finds the node-modbus-serial answer behind and before illegal bytes 20 54 54 FF', () => {
    const frame = raw('rtu-nms-read-holding-resp');
    const junk = hexBytes('205454FF');
    const s = new RtuFrameSplitter('response');
    const out = s.push(new Uint8Array([...junk, ...frame, ...junk]));
    expect(out.map(toHexString)).toEqual([toHexString(frame)]);
    // The 4 leading bytes and 2 trailing ones are dropped; '54 FF' waits as a possible exception frame.
    expect(s.stats.discardedBytes).toBe(6);
    expect(s.buffered).toBe(2);
  });

  it('skips the corrupted pymodbus exception and keeps the good one after it', () => {
    const s = new RtuFrameSplitter('response');
    const out = s.push(hexBytes('0083029121' + '0083029131'));
    expect(out.map(toHexString)).toEqual(['0083029131']);
    expect(s.stats.discardedBytes).toBe(5);
  });

  it('reassembles frames cut into arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 125 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes, cuts) => {
        const sent = sizes.map((n, i) => encodeRtuResponse(i + 1, { kind: 'read', functionCode: 4, registers: Uint16Array.from({ length: n }, (_, k) => k * 7) }));
        const stream = Uint8Array.from(sent.flatMap((f) => [...f]));
        const s = new RtuFrameSplitter('response');
        const got: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...s.push(stream.subarray(at, at + n)));
          at += n;
        }
        expect(got.map(toHexString)).toEqual(sent.map(toHexString));
        expect(s.buffered).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('splits a request stream for the simulator, write-multiple included', () => {
    const a = encodeRtuRequest(1, { kind: 'read', functionCode: 3, address: 0, quantity: 2 });
    const b = encodeRtuRequest(1, { kind: 'write-multiple', functionCode: 16, address: 10, values: Uint16Array.of(1, 2, 3) });
    const s = new RtuFrameSplitter('request');
    expect(s.push(new Uint8Array([...a, ...b])).map(toHexString)).toEqual([toHexString(a), toHexString(b)]);
  });

  it('keeps its buffer bounded on a stream that never yields a frame', () => {
    const s = new RtuFrameSplitter('response', 300);
    for (let i = 0; i < 50; i++) s.push(Uint8Array.from({ length: 64 }, (_, k) => (k % 2 ? 0x03 : 0x01)));
    expect(s.buffered).toBeLessThanOrEqual(300);
    expect(s.stats.frames).toBe(0);
  });
});

describe('MBAP stream splitter', () => {
  it('cuts back-to-back Modbus TCP answers delivered a byte at a time', () => {
    const a = encodeMbapResponse(1, 1, { kind: 'read', functionCode: 3, registers: Uint16Array.of(1, 2) });
    const b = encodeMbapResponse(2, 1, { kind: 'exception', functionCode: 3, exceptionCode: 2 });
    const s = new MbapFrameSplitter();
    const got: Uint8Array[] = [];
    for (const byte of [...a, ...b]) got.push(...s.push(Uint8Array.of(byte)));
    expect(got.map(toHexString)).toEqual([toHexString(a), toHexString(b)]);
  });

  it('drops bytes that cannot start a Modbus TCP header', () => {
    const a = encodeMbapResponse(7, 1, { kind: 'read', functionCode: 3, registers: Uint16Array.of(9) });
    const s = new MbapFrameSplitter();
    const got = s.push(new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, ...a]));
    expect(got.map(toHexString)).toEqual([toHexString(a)]);
    expect(s.stats.discardedBytes).toBeGreaterThan(0);
  });
});
