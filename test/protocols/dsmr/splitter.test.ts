import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createP1Splitter, decodeP1Telegram } from '../../../protocols/dsmr/index.js';
import { DSMR_ENTRIES, bytesOf } from './dsmr-fixtures.js';
import { corruptions } from './corruptions.js';

const TELEGRAMS = DSMR_ENTRIES.map((e) => bytesOf(e.raw_text.endsWith('\n') ? e.raw_text : `${e.raw_text}\r\n`));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunked(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.subarray(from, p));
    from = p;
  }
  return chunks;
}

const text = (b: Uint8Array): string => String.fromCharCode(...b);

describe('P1 stream splitter', () => {
  it('hands out every telegram whole, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: TELEGRAMS.length - 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (picks, cuts) => {
          const stream = concat(picks.map((i) => TELEGRAMS[i]!));
          const s = createP1Splitter();
          const frames = chunked(stream, cuts).flatMap((c) => s.push(c));
          expect(frames.map(text)).toEqual(picks.map((i) => text(TELEGRAMS[i]!)));
          expect(s.buffered).toBe(0);
          expect(s.stats.frames).toBe(picks.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('skips garbage between telegrams and counts it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }).map((g) => g.map((b) => (b === 0x2f ? 0x2e : b))), { minLength: 3, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (garbage, cuts) => {
          const [a, b] = [TELEGRAMS[0]!, TELEGRAMS[7]!];
          const stream = concat([garbage[0]!, a, garbage[1]!, b, garbage[2]!]);
          const s = createP1Splitter();
          const frames = chunked(stream, cuts).flatMap((c) => s.push(c));
          expect(frames.map(text)).toEqual([text(a), text(b)]);
          expect(s.stats.discardedBytes).toBe(garbage.reduce((n, g) => n + g.length, 0));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resynchronises on the next telegram after a lost byte anywhere in the one before', () => {
    const [a, b] = [TELEGRAMS[0]!, TELEGRAMS[2]!];
    const first = decodeP1Telegram(a);
    if (!first.ok) throw new Error(first.error.detail);
    const originalA = first.value;
    for (let lost = 0; lost < a.length; lost++) {
      const broken = concat([a.subarray(0, lost), a.subarray(lost + 1)]);
      const s = createP1Splitter();
      const frames = [...s.push(broken), ...s.push(b), ...s.push(a)];
      // The damaged telegram is not handed out, or rejected, or (lost line end after the CRC)
      // decodes to what it said; the next two always come through whole.
      expect(frames.length, `byte ${lost} lost`).toBeGreaterThanOrEqual(2);
      expect(frames.slice(-2).map(text)).toEqual([text(b), text(a)]);
      if (frames.length === 3) {
        const r = decodeP1Telegram(frames[0]!);
        if (r.ok) expect(r.value.values).toEqual(originalA.values);
      }
    }
  });

  it('keeps its buffer bounded when a telegram never ends', () => {
    const s = createP1Splitter({ maxBufferBytes: 1024 });
    const noEnd = bytesOf(`/XMX5LGBBFFB123456789\r\n\r\n${'1-0:1.8.1(000756.849*kWh)\r\n'.repeat(200)}`);
    for (let i = 0; i < noEnd.length; i += 100) {
      expect(s.push(noEnd.subarray(i, i + 100))).toEqual([]);
      expect(s.buffered).toBeLessThanOrEqual(1024);
    }
    expect(s.stats.overflows).toBeGreaterThan(0);
    // After the overflow the next real telegram still comes through.
    expect(s.push(TELEGRAMS[1]!).map(text)).toEqual([text(TELEGRAMS[1]!)]);
  });

  it('drops a telegram that lost its end when the next one starts, and hands out the next', () => {
    const a = text(TELEGRAMS[0]!);
    const cut = a.slice(0, a.indexOf('!'));
    const s = createP1Splitter();
    const frames = s.push(bytesOf(cut + text(TELEGRAMS[3]!)));
    expect(frames.map(text)).toEqual([text(TELEGRAMS[3]!)]);
    expect(s.stats.discardedBytes).toBe(cut.length);
  });

  it('hands out a last telegram without its final line end at end of input', () => {
    const a = text(TELEGRAMS[0]!).trimEnd();
    const s = createP1Splitter();
    expect(s.push(bytesOf(a))).toEqual([]);
    const last = s.end();
    expect(last).toHaveLength(1);
    expect(decodeP1Telegram(last[0]!).ok).toBe(true);
  });

  it('forgets everything on reset', () => {
    const s = createP1Splitter();
    s.push(bytesOf('garbage/ISk5'));
    s.reset();
    expect(s.buffered).toBe(0);
    expect(s.stats).toEqual({ frames: 0, discardedBytes: 0, overflows: 0 });
  });
});

describe('corrupted telegrams in a stream', () => {
  // The splitter must not let one damaged telegram take the next one down with it.
  for (const id of ['dsmr5-iskra-mt382-1000-dsmr_parser-v5', 'dsmr-kamstrup-omnia-se-dsmr-reader']) {
    it(`resynchronises on the telegram after every corrupted copy of ${id}`, () => {
      const e = DSMR_ENTRIES.find((x) => x.id === id)!;
      const original = decodeP1Telegram(e.raw_text);
      if (!original.ok) throw new Error(original.error.detail);
      const good = bytesOf(DSMR_ENTRIES[2]!.raw_text);
      const problems: string[] = [];
      for (const c of corruptions(bytesOf(e.raw_text))) {
        const s = createP1Splitter({ maxBufferBytes: 2048 });
        const frames = [...s.push(c.bytes), ...s.push(good)];
        const last = frames.at(-1);
        if (last === undefined || text(last) !== DSMR_ENTRIES[2]!.raw_text) problems.push(`${c.how} at ${c.at}: next telegram lost`);
        for (const f of frames.slice(0, -1)) {
          const r = decodeP1Telegram(f);
          if (r.ok && JSON.stringify(r.value.values) !== JSON.stringify(original.value.values)) problems.push(`${c.how} at ${c.at}: mis-decoded`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
