// What the fuzz drivers share: the row each decoder reports and a seeded PRNG, so a failing case
// can be replayed from its seed (no Math.random).

export interface FuzzRow {
  decoder: string;
  cases: number;
  decoded: number;
  rejected: number;
  byKind: Record<string, number>;
  /** Time spent in the decoder only (input generation excluded). */
  ms: number;
}

/** xorshift32: unsigned 32-bit integers. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The same sequence scaled to [0, 1). */
export function unitRandom(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 0x100000000;
}
