import { describe, expect, it } from 'vitest';
import { hash32, hashNormal, hashUnit, Prng, seedFromString, valueNoise } from '../../device-sim/random.js';

describe('seeded randomness', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
  });

  it('draws uniform numbers in [0, 1) and standard normals with the right moments', () => {
    const p = new Prng(7);
    let sum = 0;
    let min = 1;
    let max = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const u = p.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = hashNormal(3, i);
      s1 += z;
      s2 += z * z;
    }
    expect(s1 / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });

  it('hashes integers of any size, and strings, to stable values', () => {
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 3, 2));
    expect(hash32(1, 2 ** 40)).not.toBe(hash32(1, 0));
    expect(hashUnit(9, -5)).toBeGreaterThanOrEqual(0);
    expect(seedFromString('b1-h1', 42)).toBe(seedFromString('b1-h1', 42));
    expect(seedFromString('b1-h1', 42)).not.toBe(seedFromString('b1-h2', 42));
  });

  it('makes value noise that is continuous and stays within [-1, 1]', () => {
    let worst = 0;
    for (let x = 0; x < 100; x += 0.001) {
      const v = valueNoise(5, x);
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
      worst = Math.max(worst, Math.abs(valueNoise(5, x + 0.001) - v));
    }
    expect(worst).toBeLessThan(0.01);
  });
});
