import { describe, expect, it } from 'vitest';
import { MODELS, modelLength, SUPPORTED_MODEL_IDS } from '../../../protocols/sunspec/index.js';

// Lengths (L) as the official definitions give them (sunspec/models json/).
const OFFICIAL_LENGTHS: Record<number, number> = {
  1: 66,
  101: 50,
  102: 50,
  103: 50,
  111: 60,
  112: 60,
  113: 60,
  120: 26,
  121: 30,
  122: 44,
  123: 24,
  124: 24,
  126: 10,
  127: 10,
  128: 14,
  129: 10,
  130: 10,
  131: 10,
  132: 10,
  160: 8,
  201: 105,
  202: 105,
  203: 105,
  204: 105,
  211: 124,
  212: 124,
  213: 124,
  214: 124,
  802: 62,
  803: 26,
  804: 46,
};

describe('SunSpec model tables', () => {
  it('cover every model the gateway supports', () => {
    expect([...SUPPORTED_MODEL_IDS].sort((a, b) => a - b)).toEqual(Object.keys(OFFICIAL_LENGTHS).map(Number));
  });

  it.each(Object.entries(OFFICIAL_LENGTHS))('model %s has the official fixed length', (id, length) => {
    expect(MODELS.get(Number(id))?.fixedLength).toBe(length);
  });

  it('lays points end to end without gaps or overlaps', () => {
    for (const m of MODELS.values()) {
      for (const points of [m.points, m.repeating?.points ?? []]) {
        let next = 0;
        for (const p of points) {
          expect(p.offset, `${m.id}.${p.name}`).toBe(next);
          next += p.size;
        }
      }
    }
  });

  it('scales every point by a sunssf point of the fixed block', () => {
    for (const m of MODELS.values()) {
      const sfs = new Set(m.points.filter((p) => p.type === 'sunssf').map((p) => p.name));
      for (const p of [...m.points, ...(m.repeating?.points ?? [])]) {
        if (p.sf !== undefined) expect(sfs.has(p.sf), `${m.id}.${p.name} → ${p.sf}`).toBe(true);
      }
    }
  });

  it('gives model 160 a 20-register module group counted by N', () => {
    const mppt = MODELS.get(160);
    expect(mppt?.repeating).toMatchObject({ name: 'module', length: 20, countPoint: 'N' });
    expect(modelLength(160, 2)).toBe(48);
    expect(modelLength(999)).toBeUndefined();
  });
});
