// Seeded randomness for the simulator. Two flavours: a sequential PRNG (mulberry32) for
// processes that must be walked in order, and stateless hashes of (seed, integers) so a value
// at any instant is a pure function of time and seed (random access, no history needed).

/** A 32-bit integer hash of a few integers (murmur3-style mixing), uniform over 0..2^32-1. */
export function hash32(seed: number, ...values: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of values) {
    // Split a (possibly large or negative) integer into two 32-bit halves so days since 1970
    // and slot numbers of any size mix in fully.
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    for (const part of [lo, hi]) {
      let k = Math.imul(part, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from the hash of (seed, values). */
export function hashUnit(seed: number, ...values: number[]): number {
  return hash32(seed, ...values) / 4294967296;
}

/** A standard normal number from the hash of (seed, values) (Box–Muller on two hashes). */
export function hashNormal(seed: number, ...values: number[]): number {
  const u1 = (hash32(seed, ...values, 1) + 1) / 4294967297;
  const u2 = hash32(seed, ...values, 2) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A seed from a string (FNV-1a), e.g. a building id mixed with the fleet seed. */
export function seedFromString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return hash32(h);
}

/**
 * Smooth noise in about [-1, 1] along a continuous axis: uniform values at the integers, joined
 * by a smoothstep so the process has no jumps (clouds drift in, temperatures wander).
 */
export function valueNoise(seed: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = hashUnit(seed, i) * 2 - 1;
  const b = hashUnit(seed, i + 1) * 2 - 1;
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}

/** A sequential PRNG (mulberry32): fast, 32-bit state, good enough for simulation. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
