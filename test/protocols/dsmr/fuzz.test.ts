import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createP1Splitter, decodeP1Telegram, P1_ERROR_KINDS } from '../../../protocols/dsmr/index.js';
import { DSMR_ENTRIES, bytesOf } from './dsmr-fixtures.js';

const SEEDS = DSMR_ENTRIES.map((e) => bytesOf(e.raw_text));

/** A fixture telegram with a few random byte edits: overwrite, insert, delete. */
const mutated = fc
  .tuple(
    fc.integer({ min: 0, max: SEEDS.length - 1 }),
    fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([i, edits]) => {
    const b = [...SEEDS[i]!];
    for (const [op, at, v] of edits) {
      const p = at % (b.length + 1);
      if (op === 'set' && p < b.length) b[p] = v;
      else if (op === 'insert') b.splice(p, 0, v);
      else b.splice(p, 1);
    }
    return Uint8Array.from(b);
  });

/** Text built from the pieces telegrams are made of, in random order. */
const pieces = fc
  .array(fc.constantFrom('/', '!', '(', ')', '*', '\r\n', '\n', '1-0:1.8.1', '0-1:24.2.1', 'kWh', 'm3', '000123.456', '632525252525S', 'ABCD', 'ISk5\\2', ''), {
    maxLength: 60,
  })
  .map((p) => bytesOf(p.join('')));

describe('P1 decoder under random input', () => {
  it('never throws and only fails with a known kind', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, pieces, fc.uint8Array({ maxLength: 2000 })), (bytes) => {
        const r = decodeP1Telegram(bytes);
        if (!r.ok) expect(P1_ERROR_KINDS).toContain(r.error.kind);
        const s = createP1Splitter({ maxBufferBytes: 4096 });
        for (const f of s.push(bytes)) decodeP1Telegram(f);
        expect(s.buffered).toBeLessThanOrEqual(4096);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on random strings, including characters beyond Latin-1', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x2ff }), { maxLength: 200 }).map((codes) => String.fromCharCode(...codes)), (s) => {
        expect(() => decodeP1Telegram(`/KFM5x\r\n\r\n${s}\r\n!`)).not.toThrow();
        expect(() => decodeP1Telegram(s)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
