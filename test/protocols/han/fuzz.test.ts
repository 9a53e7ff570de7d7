// The HAN decoders never throw on outside bytes: random input, mutated real frames (with the
// checksums recomputed so the mutation reaches the DLMS layers) and random chunking all end in
// a Result with a known error kind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HAN_ERROR_KINDS, createHanReader, decodeHanFrame, decodeHanInformation, type HanErrorKind } from '../../../protocols/han/index.js';
import type { Result } from '../../../core/result.js';
import { fuzzHan, fuzzHanOptions, mutate, mutateInside, rng } from '../../bench/fuzz-han.js';
import { HAN_FIXTURES, bytesOf } from './han-fixtures.js';

const FRAMES = HAN_FIXTURES.filter((f) => f.raw_hex.startsWith('7E') && f.derived_decode).map(bytesOf);
const KINDS = new Set<string>(HAN_ERROR_KINDS);

function isResult(r: Result<unknown, HanErrorKind>): boolean {
  return r.ok ? r.value !== undefined : KINDS.has(r.error.kind) && typeof r.error.detail === 'string';
}

describe('HAN decoders under fuzzing', () => {
  it('decodeHanFrame returns a Result for random bytes, with or without flags', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.boolean(), (bytes, framed) => {
        const input = framed ? Uint8Array.from([0x7e, 0xa0 | (bytes.length >> 8 & 7), bytes.length & 0xff, ...bytes, 0x7e]) : bytes;
        expect(isResult(decodeHanFrame(input))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeHanFrame returns a Result for mutated captures whose checksums were fixed up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FRAMES.length - 1 }), fc.integer(), (i, seed) => {
        const next = rng(seed);
        const r = decodeHanFrame(mutateInside(FRAMES[i] as Uint8Array, next));
        expect(isResult(r)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeHanInformation returns a Result for mutated and random notifications', () => {
    const header = [0xe6, 0xe7, 0x00, 0x0f, 0x40, 0, 0, 0, 0x00];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer(), (tail, seed) => {
        expect(isResult(decodeHanInformation(Uint8Array.from([...header, ...tail])))).toBe(true);
        expect(isResult(decodeHanInformation(mutate(Uint8Array.from([...header, 0x02, 0x02, 0x09, 0x06, 1, 0, 1, 7, 0, 255, 0x06, 0, 0, 1, 0]), rng(seed))))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects lengths that claim more bytes than there are before using them', () => {
    // array of 2^24 items, octet-string of 65 535 bytes, nested structures past the depth bound
    for (const body of [[0x01, 0x83, 0xff, 0xff, 0xff], [0x09, 0x82, 0xff, 0xff, 0x00], Array(40).fill([0x02, 0x01]).flat()]) {
      const r = decodeHanInformation(Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f, 0, 0, 0, 0, 0x00, ...body]));
      expect(!r.ok && r.error.kind).toBe('axdr');
    }
  });

  it('the reader returns Results for any chunking of a damaged stream', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: FRAMES.length - 1 }), { minLength: 1, maxLength: 4 }), fc.integer(), fc.integer({ min: 1, max: 97 }), (idx, seed, chunk) => {
        const next = rng(seed);
        const stream = Buffer.concat(idx.map((i, k) => (k % 2 ? mutate(FRAMES[i] as Uint8Array, next) : (FRAMES[i] as Uint8Array))));
        const reader = createHanReader();
        const out = [];
        for (let at = 0; at < stream.length; at += chunk) out.push(...reader.push(stream.subarray(at, at + chunk)));
        out.push(...reader.flush());
        for (const o of out) expect(isResult(o.result)).toBe(true);
        // Every intact frame comes out decoded.
        expect(out.filter((o) => o.result.ok).length).toBeGreaterThanOrEqual(Math.ceil(idx.length / 2));
      }),
      { numRuns: 300 },
    );
  });

  it('the fuzz bench driver finds no throw in a short run', () => {
    const rows = fuzzHan(300);
    expect(rows.map((r) => r.decoder)).toEqual(['han-frame', 'han-information', 'han-ciphered', 'han-reader']);
    for (const r of rows) {
      expect(r.byKind.THREW, r.decoder).toBeUndefined();
      expect(r.decoded + r.rejected).toBeGreaterThanOrEqual(r.cases);
    }
  });

  it('the fuzz bench driver for the device options (country, scaler overrides) finds no throw', () => {
    for (const r of fuzzHanOptions(300)) {
      expect(r.byKind.THREW, r.decoder).toBeUndefined();
      expect(r.decoded + r.rejected).toBe(r.cases);
    }
  });
});
