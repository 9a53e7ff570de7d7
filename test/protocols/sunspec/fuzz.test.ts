// Random register images, blocks and dump texts: discovery, decoding and parsing never throw,
// always terminate, and report every failure as a typed problem.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE_CANDIDATES,
  decodeModel,
  mapReader,
  parseRegisterDump,
  readSunSpecDevice,
  SUPPORTED_MODEL_IDS,
} from '../../../protocols/sunspec/index.js';

const word = fc.integer({ min: 0, max: 0xffff });
const modelHeader = fc.record({
  id: fc.oneof(fc.constantFrom(...SUPPORTED_MODEL_IDS, 0xffff, 0), word),
  length: fc.oneof(fc.integer({ min: 0, max: 130 }), word),
});

/** A SunSpec-looking image: marker (usually), a chain of headers over random words, maybe an end. */
const image = fc
  .record({
    base: fc.constantFrom(...BASE_CANDIDATES, 1, 65530),
    marker: fc.boolean(),
    chain: fc.array(modelHeader, { maxLength: 6 }),
    filler: fc.array(word, { minLength: 1, maxLength: 64 }),
    end: fc.boolean(),
    cut: fc.integer({ min: 0, max: 1200 }),
  })
  .map(({ base, marker, chain, filler, end, cut }) => {
    const words: number[] = marker ? [0x5375, 0x6e53] : [filler[0] ?? 0, filler[1 % filler.length] ?? 0];
    let k = 0;
    for (const h of chain) {
      words.push(h.id, h.length);
      for (let i = 0; i < Math.min(h.length, 400); i++) words.push(filler[k++ % filler.length] ?? 0);
    }
    if (end) words.push(0xffff, 0);
    const kept = words.slice(0, Math.max(2, words.length - (cut % (words.length + 1))));
    const map = new Map<number, number>();
    kept.forEach((w, i) => {
      if (base + i <= 0xffff) map.set(base + i, w);
    });
    return map;
  });

describe('SunSpec fuzz', () => {
  it('reads random register images without throwing, listing every problem with a kind', () => {
    fc.assert(
      fc.property(image, (map) => {
        const dev = readSunSpecDevice(mapReader(map));
        expect(dev.models.length).toBeLessThanOrEqual(dev.chain.length);
        for (const p of dev.problems) expect(typeof p.kind).toBe('string');
        if (!dev.complete) expect(dev.problems.length).toBeGreaterThan(0);
        for (const v of Object.values(dev.quantities)) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('decodes random blocks of every supported model without throwing or inventing NaN', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUPPORTED_MODEL_IDS), fc.array(word, { maxLength: 160 }), (id, block) => {
        const r = decodeModel(id, block);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        for (const p of Object.values(r.value.points)) {
          if (typeof p.value === 'number') expect(Number.isFinite(p.value)).toBe(true);
        }
        for (const g of r.value.groups) for (const p of Object.values(g)) if (typeof p.value === 'number') expect(Number.isFinite(p.value)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('parses random dump texts into a result, never an exception', () => {
    const token = fc.oneof(fc.integer({ min: -70000, max: 70000 }).map(String), word.map((w) => `0x${w.toString(16)}`), fc.string({ maxLength: 6 }));
    const line = fc.array(token, { maxLength: 4 }).map((t) => t.join(' '));
    fc.assert(
      fc.property(fc.oneof(fc.array(line, { maxLength: 20 }).map((l) => l.join('\n')), fc.json(), fc.string()), (text) => {
        const r = parseRegisterDump(text);
        if (r.ok) for (const [a, v] of r.value) expect(a >= 0 && a <= 0xffff && v >= 0 && v <= 0xffff).toBe(true);
        else expect(['empty', 'syntax', 'out-of-range', 'conflict']).toContain(r.error.kind);
      }),
      { numRuns: 1500 },
    );
  });
});
