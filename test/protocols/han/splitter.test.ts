// The HAN stream splitter: any chunking gives the same frames, garbage and lost bytes cost at
// most the frame they hit, flags may be shared or repeated, and the buffer stays bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHanReader, createHanSplitter, encodeHanFrame, encodeHdlcFrame, type HanRejection } from '../../../protocols/han/index.js';
import { HAN_FIXTURES, bytesOf } from './han-fixtures.js';

const FRAMES = HAN_FIXTURES.filter((f) => f.raw_hex.startsWith('7E') && !f.id.includes('stuffed')).map(bytesOf);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function feed(stream: Uint8Array, cuts: number[], options = {}): { frames: Uint8Array[]; rejects: HanRejection[] } {
  const rejects: HanRejection[] = [];
  const s = createHanSplitter({ ...options, onReject: (r) => rejects.push(r) });
  const frames: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    frames.push(...s.push(stream.subarray(at, Math.max(at, cut))));
    at = Math.max(at, cut);
  }
  frames.push(...s.push(stream.subarray(at)), ...s.flush());
  return { frames, rejects };
}

describe('HAN stream splitter', () => {
  const stream = Buffer.concat(FRAMES);

  it('finds every captured frame in one chunk, including 0x7E and 0x7D inside information fields', () => {
    const { frames, rejects } = feed(stream, []);
    expect(frames.map(hex)).toEqual(FRAMES.map(hex));
    expect(rejects).toEqual([]);
  });

  it('gives the same frames for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }), (cuts) => {
        expect(feed(stream, cuts).frames.map(hex)).toEqual(FRAMES.map(hex));
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same frames byte by byte', () => {
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    expect(feed(stream, cuts).frames).toHaveLength(FRAMES.length);
  });

  it('accepts frames sharing one flag and frames separated by several', () => {
    const a = FRAMES[0] as Uint8Array;
    const b = FRAMES[10] as Uint8Array;
    const shared = Buffer.concat([a, b.subarray(1)]);
    expect(feed(shared, []).frames.map(hex)).toEqual([hex(a), hex(b)]);
    const padded = Buffer.concat([a, Buffer.from([0x7e, 0x7e, 0x7e, 0x7e, 0x7e]), b]);
    const r = feed(padded, [3, 50]);
    expect(r.frames.map(hex)).toEqual([hex(a), hex(b)]);
    expect(r.rejects).toEqual([]);
  });

  it('resynchronises after random garbage between frames and reports it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: FRAMES.length - 2 }), (garbage, i) => {
        const a = FRAMES[i] as Uint8Array;
        const b = FRAMES[i + 1] as Uint8Array;
        const { frames, rejects } = feed(Buffer.concat([a, garbage, b]), [7, 200]);
        // The garbage cannot eat a valid frame; it may (with odds of a CRC collision) hold one itself.
        expect(frames.map(hex)).toContain(hex(a));
        expect(frames.map(hex)).toContain(hex(b));
        expect(frames[0]).toEqual(a);
        expect(frames[frames.length - 1]).toEqual(b);
        if (frames.length === 2 && !garbage.every((x) => x === 0x7e)) expect(rejects.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('reports the reason a damaged frame was dropped', () => {
    const bad = (FRAMES[3] as Uint8Array).slice();
    bad[100] = (bad[100] as number) ^ 0x10;
    const { frames, rejects } = feed(Buffer.concat([bad, FRAMES[4] as Uint8Array]), []);
    expect(frames).toHaveLength(1);
    expect(rejects[0]?.kind).toBe('fcs');
    expect(rejects[0]?.byteCount).toBe(bad.length - 1); // its closing flag counts as fill before the next frame
  });

  it('keeps its buffer bounded on a stream that never holds a frame', () => {
    const s = createHanSplitter({ maxBufferBytes: 4096 });
    const noise = new Uint8Array(10_000).map((_, i) => (i % 3 === 0 ? 0x7e : 0xa7));
    for (let i = 0; i < 20; i++) {
      expect(s.push(noise)).toEqual([]);
      expect(s.buffered).toBeLessThanOrEqual(4096);
    }
    expect(s.stats.discardedBytes).toBeGreaterThan(150_000);
  });

  it('waits for the rest of a frame and counts it once it comes', () => {
    const f = FRAMES[2] as Uint8Array;
    const s = createHanSplitter();
    expect(s.push(f.subarray(0, 100))).toEqual([]);
    expect(s.buffered).toBe(100);
    expect(s.push(f.subarray(100)).map(hex)).toEqual([hex(f)]);
    expect(s.stats.frames).toBe(1);
    s.reset();
    expect(s.buffered).toBe(0);
  });

  it('unstuffs frames when byte stuffing is on', () => {
    const frame = encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information: Uint8Array.from([0xe6, 0xe7, 0x00, 0x7e, 0x7d, 0x01]) });
    const body = frame.subarray(1, frame.length - 1);
    const stuffed: number[] = [0x7e];
    for (const b of body) stuffed.push(...(b === 0x7e || b === 0x7d ? [0x7d, b ^ 0x20] : [b]));
    stuffed.push(0x7e);
    const { frames } = feed(Uint8Array.from([0x00, ...stuffed, ...stuffed]), [5], { byteStuffing: true });
    expect(frames.map(hex)).toEqual([hex(frame), hex(frame)]);
  });
});

describe('HAN reader', () => {
  it('joins segmented frames before decoding', () => {
    const whole = encodeHanFrame({ layout: 'aidon', list: 3, meterTimeMs: Date.UTC(2024, 0, 1), meterId: '1', meterModel: 'm', values: { powerImportW: 1000 } });
    const info = whole.subarray(8 + 2 - 1, whole.length - 3); // after flag, format(2), addr(1+2), control, HCS(2)
    const parts = [info.subarray(0, 100), info.subarray(100, 250), info.subarray(250)];
    const frames = parts.map((p, i) => encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information: p, segmented: i < parts.length - 1 }));
    const reader = createHanReader();
    const out = [...reader.push(Buffer.concat(frames)), ...reader.flush()];
    expect(out).toHaveLength(1);
    expect(out[0]?.result.ok && out[0].result.value.values.powerImportW).toBe(1000);
  });

  it('reports a segmented message cut short at the end of input', () => {
    const seg = encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information: Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f]), segmented: true });
    const reader = createHanReader();
    const out = [...reader.push(seg), ...reader.flush()];
    expect(out.map((o) => !o.result.ok && o.result.error.kind)).toEqual(['segment']);
  });

  it('gives one result per frame and per rejected run', () => {
    const good = FRAMES[1] as Uint8Array;
    const reader = createHanReader();
    const out = [...reader.push(Buffer.concat([Buffer.from('hello'), good, good.subarray(0, 30), good])), ...reader.flush()];
    expect(out.map((o) => (o.result.ok ? 'ok' : o.result.error.kind))).toEqual(['framing', 'ok', 'framing', 'ok']);
    expect(out[2]?.result.ok === false && out[2].result.error.detail).toMatch(/no closing flag/);
  });
});
