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
  /** The slowest case, ms, and the first cases over the per-case limit (counted as SLOW). */
  slowestMs?: number;
  slowCases?: number[];
}

/**
 * Per-case time limit. A case that returns but took longer is counted under SLOW; a case that
 * never returns cannot be cut short inside its own thread, so fuzz.bench.ts runs every family
 * in a worker and a watchdog reports the case the worker is stuck on as a HANG.
 */
export const CASE_LIMIT_MS = Number(process.env.FUZZ_CASE_LIMIT_MS ?? 100);

let progress: Int32Array | undefined;

/** Where a worker publishes the case it is on: [0] case index, [1] cases started, [2] 1 while inside a case. */
export function publishProgress(buffer: SharedArrayBuffer): void {
  progress = new Int32Array(buffer);
}

let onDecoder: ((name: string) => void) | undefined;

/** Told the name of each decoder as its cases start (a worker forwards it to the watchdog). */
export function listenForDecoders(listener: (name: string) => void): void {
  onDecoder = listener;
}

/** Marks the start of a decoder's cases. */
export function startDecoder(name: string): void {
  if (progress) Atomics.store(progress, 0, 0);
  onDecoder?.(name);
}

/** Runs one case under the per-case limit. */
export function timeCase<T>(row: FuzzRow, index: number, decode: () => T): T {
  if (progress) {
    Atomics.store(progress, 0, index);
    Atomics.add(progress, 1, 1);
    Atomics.store(progress, 2, 1);
  }
  const t0 = performance.now();
  try {
    return decode();
  } finally {
    if (progress) Atomics.store(progress, 2, 0);
    const ms = performance.now() - t0;
    if (ms > (row.slowestMs ?? 0)) row.slowestMs = Math.round(ms * 100) / 100;
    if (ms > CASE_LIMIT_MS) {
      row.byKind.SLOW = (row.byKind.SLOW ?? 0) + 1;
      if ((row.slowCases ??= []).length < 5) row.slowCases.push(index);
    }
  }
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
