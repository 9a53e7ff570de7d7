// Corrupted copies of every captured frame (one flipped bit, one dropped byte) are rejected by
// the decoder, and a splitter fed the corrupted copy and then an intact frame finds the intact
// one again. Nothing corrupted is ever handed out or decoded.
import { describe, expect, it } from 'vitest';
import { createHanSplitter, decodeHanFrame, parseHdlcFrame } from '../../../protocols/han/index.js';
import { HAN_FIXTURES, bytesOf } from './han-fixtures.js';

const FRAMES = HAN_FIXTURES.filter((f) => f.raw_hex.startsWith('7E') && !f.id.includes('stuffed')).map((f) => ({ id: f.id, bytes: bytesOf(f) }));
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Every bit of the first 16 and last 4 bytes, and about 300 bits spread over the rest. */
function bitPositions(n: number): number[] {
  const bits = n * 8;
  const out = new Set<number>();
  for (let i = 0; i < Math.min(bits, 128); i++) out.add(i);
  for (let i = Math.max(0, bits - 32); i < bits; i++) out.add(i);
  const stride = Math.max(1, Math.floor(bits / 300));
  for (let i = 0; i < bits; i += stride) out.add(Math.min(bits - 1, i + (i % 5)));
  return [...out];
}

function bytePositions(n: number): number[] {
  const out = new Set<number>([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n - 3, n - 2, n - 1]);
  const stride = Math.max(1, Math.floor(n / 60));
  for (let i = 0; i < n; i += stride) out.add(i);
  return [...out].filter((i) => i >= 0 && i < n);
}

function splitAll(stream: Uint8Array): Uint8Array[] {
  const s = createHanSplitter();
  return [...s.push(stream), ...s.flush()];
}

describe('corrupted HAN captures', () => {
  for (const { id, bytes } of FRAMES) {
    it(`${id}: every flipped bit is rejected, and the splitter resynchronises on the next frame`, () => {
      expect(parseHdlcFrame(bytes).ok).toBe(true);
      let tried = 0;
      for (const bit of bitPositions(bytes.length)) {
        const bad = bytes.slice();
        bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
        const r = decodeHanFrame(bad);
        expect(r.ok, `bit ${bit}`).toBe(false);
        const frames = splitAll(Buffer.concat([bad, bytes]));
        // Only untouched copies come out; the last (intact) frame always does.
        for (const f of frames) expect(same(f, bytes), `bit ${bit}`).toBe(true);
        expect(frames.length, `bit ${bit}`).toBeGreaterThanOrEqual(1);
        tried++;
      }
      expect(tried).toBeGreaterThanOrEqual(Math.min(100, bytes.length * 8));
    });

    it(`${id}: every dropped byte is rejected, and the splitter resynchronises on the next frame`, () => {
      for (const at of bytePositions(bytes.length)) {
        const bad = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        expect(decodeHanFrame(bad).ok, `byte ${at}`).toBe(false);
        const frames = splitAll(Buffer.concat([bad, bytes]));
        // Dropping the closing flag leaves the frame whole with a flag shared with the next:
        // that copy is intact and may come out; anything else must not.
        for (const f of frames) expect(same(f, bytes), `byte ${at}`).toBe(true);
        expect(frames.length, `byte ${at}`).toBe(at === bytes.length - 1 ? 2 : 1);
      }
    });
  }
});
