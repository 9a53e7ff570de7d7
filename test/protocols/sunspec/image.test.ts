import { describe, expect, it } from 'vitest';
import {
  buildSunSpecImage,
  imageReader,
  MODELS,
  readSunSpecDevice,
  type ImageModel,
  type ModelDef,
} from '../../../protocols/sunspec/index.js';

/** Plausible values for every point of a model, derived from the point's type and name. */
function sampleValues(def: ModelDef, seed: number): Record<string, number | string> {
  const points: Record<string, number | string> = {};
  const fill = (p: ModelDef['points'][number], key: string, k: number): void => {
    const n = seed + k;
    switch (p.type) {
      case 'string':
        points[key] = `${p.name}-${n}`.slice(0, p.size * 2);
        break;
      case 'sunssf':
      case 'pad':
        break;
      case 'float32':
        points[key] = Math.fround(((n * 37) % 500) + 0.25);
        break;
      case 'int16':
        points[key] = p.sf ? -(((n * 13) % 300) + 0.5) : -((n * 13) % 300);
        break;
      case 'enum16':
        points[key] = p.symbols ? Number(Object.keys(p.symbols)[n % Object.keys(p.symbols).length]) : n % 7;
        break;
      case 'bitfield16':
      case 'bitfield32':
        points[key] = (n * 5) % 64;
        break;
      case 'acc32':
      case 'acc64':
        points[key] = p.sf ? 1000 * n + 0.5 : 1000 * n + 7;
        break;
      default:
        points[key] = p.sf ? ((n * 17) % 400) + 0.25 : (n * 17) % 400;
    }
  };
  def.points.forEach((p, i) => fill(p, p.name, i));
  if (def.repeating) for (let g = 0; g < 2; g++) def.repeating.points.forEach((p, i) => fill(p, `${def.repeating?.name}.${g}.${p.name}`, 100 * (g + 1) + i));
  if (def.repeating?.countPoint) delete points[def.repeating.countPoint];
  return points;
}

describe('buildSunSpecImage', () => {
  it('starts with SunS, chains the model headers and ends with 0xFFFF', () => {
    const image = buildSunSpecImage({ baseAddress: 40000, models: [{ id: 1, points: { Mn: 'nabo' } }, { id: 203, points: { W: 100 } }] });
    const r = image.registers;
    expect(image.start).toBe(40000);
    expect([r[0], r[1]]).toEqual([0x5375, 0x6e53]);
    expect([r[2], r[3]]).toEqual([1, 66]);
    expect([r[70], r[71]]).toEqual([203, 105]);
    expect([r[177], r[178]]).toEqual([0xffff, 0]);
    expect(r.length).toBe(179);
  });

  it.each([...MODELS.keys()])('round-trips every point of model %i', (id) => {
    const def = MODELS.get(id) as ModelDef;
    const input: ImageModel = { id, points: sampleValues(def, id) };
    const image = buildSunSpecImage({ baseAddress: 40000, models: [input] });
    const dev = readSunSpecDevice(imageReader(image));
    expect(dev.problems).toEqual([]);
    expect(dev.complete).toBe(true);
    const decoded = dev.models[0];
    expect(decoded?.id).toBe(id);
    const check = (points: Record<string, { value: number | string }>, key: string, name: string): void => {
      const want = input.points[key];
      if (want === undefined) return;
      const got = points[name]?.value;
      if (typeof want === 'number') expect(got, key).toBeCloseTo(want, 4);
      else expect(got, key).toBe(want);
    };
    for (const p of def.points) check(decoded?.points ?? {}, p.name, p.name);
    if (def.repeating) {
      expect(decoded?.groups).toHaveLength(2);
      expect(decoded?.points[def.repeating.countPoint ?? '']?.value ?? 2).toBe(2);
      decoded?.groups.forEach((g, i) => {
        for (const p of def.repeating?.points ?? []) check(g, `${def.repeating?.name}.${i}.${p.name}`, p.name);
      });
    }
  });

  it('chooses scale factors that keep large values in int16 range', () => {
    const image = buildSunSpecImage({ baseAddress: 0, models: [{ id: 203, points: { W: 65400, WphA: 21800.5 } }] });
    const dev = readSunSpecDevice(imageReader(image));
    expect(dev.models[0]?.points['W']?.value).toBe(65400);
    expect(dev.models[0]?.points['W_SF']?.value).toBe(1);
    expect(dev.models[0]?.points['WphA']?.value).toBe(21800); // one register cannot hold both 65400 and 0.5 W
  });

  it('leaves points without a value not implemented', () => {
    const dev = readSunSpecDevice(imageReader(buildSunSpecImage({ baseAddress: 50000, models: [{ id: 103, points: { W: 1500 } }] })));
    expect(dev.baseAddress).toBe(50000);
    expect(dev.models[0]?.points['W']?.value).toBe(1500);
    expect(dev.models[0]?.points['WH']).toBeUndefined();
    expect(dev.models[0]?.absent).toContain('PhVphA');
  });

  it('refuses a model without a table and a value no scale factor holds', () => {
    expect(() => buildSunSpecImage({ baseAddress: 40000, models: [{ id: 999, points: {} }] })).toThrow(/999/);
    expect(() => buildSunSpecImage({ baseAddress: 40000, models: [{ id: 203, points: { W: 1e15 } }] })).toThrow(/W_SF/);
  });
});
