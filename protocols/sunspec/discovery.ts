// SunSpec discovery as a pure step function: given the registers read so far it names the
// next read, or returns the model chain, or fails with a reason. The caller owns the bus.
// The walk only moves forward through a bounded address space, so it always ends.
import type { Failure } from '../../core/result.js';
import { END_MODEL_ID } from './types.js';

/** 'SunS' as two big-endian registers. */
export const SUNS_MARKER = [0x5375, 0x6e53] as const;
/** Where devices put the marker, in the order we try them. */
export const BASE_CANDIDATES = [40000, 0, 50000] as const;
/** Highest register address. */
export const MAX_ADDRESS = 0xffff;
/** More models than any real device chains; a bogus chain of tiny models stops here. */
export const MAX_MODELS = 256;

export interface ModelRef {
  id: number;
  /** Address of the model's ID register. */
  address: number;
  /** L: registers in the block after ID and L. */
  length: number;
}

export type DiscoveryErrorKind = 'no-marker' | 'unreadable' | 'length-overflow' | 'too-many-models' | 'bad-model-id';

export type DiscoveryStep =
  | { kind: 'read'; address: number; count: number }
  | { kind: 'done'; baseAddress: number; models: ModelRef[] }
  | { kind: 'failed'; error: Failure<DiscoveryErrorKind>; baseAddress?: number; models: ModelRef[] };

/** What has been read so far: a word, nothing yet (undefined), or a failed read. */
export interface KnownRegisters {
  word(address: number): number | undefined;
  failed(address: number): boolean;
}

export interface DiscoveryOptions {
  candidates?: readonly number[];
  maxModels?: number;
}

/** Registers read so far, for drivers of `discoveryStep`. */
export class RegisterMap implements KnownRegisters {
  private readonly words = new Map<number, number>();
  private readonly failures = new Set<number>();

  set(address: number, words: ArrayLike<number>): void {
    for (let i = 0; i < words.length; i++) this.words.set(address + i, (words[i] ?? 0) & 0xffff);
  }

  markFailed(address: number, count: number): void {
    for (let i = 0; i < count; i++) this.failures.add(address + i);
  }

  word(address: number): number | undefined {
    return this.words.get(address);
  }

  failed(address: number): boolean {
    return this.failures.has(address);
  }

  /** `count` words from `address`, or undefined when any is unknown. */
  range(address: number, count: number): number[] | undefined {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const w = this.words.get(address + i);
      if (w === undefined) return undefined;
      out.push(w);
    }
    return out;
  }
}

/** The next thing discovery needs, from what is known so far. */
export function discoveryStep(known: KnownRegisters, options: DiscoveryOptions = {}): DiscoveryStep {
  const candidates = options.candidates ?? BASE_CANDIDATES;
  const maxModels = options.maxModels ?? MAX_MODELS;
  const seen: string[] = [];
  for (const base of candidates) {
    if (base < 0 || base + 1 > MAX_ADDRESS) continue;
    if (known.failed(base) || known.failed(base + 1)) {
      seen.push(`${base}: unreadable`);
      continue;
    }
    const hi = known.word(base);
    const lo = known.word(base + 1);
    // Marker and the first model header in one read.
    if (hi === undefined || lo === undefined) return { kind: 'read', address: base, count: base + 3 <= MAX_ADDRESS ? 4 : 2 };
    if (hi !== SUNS_MARKER[0] || lo !== SUNS_MARKER[1]) {
      seen.push(`${base}: ${hex(hi)} ${hex(lo)}`);
      continue;
    }
    return walk(known, base, maxModels);
  }
  return {
    kind: 'failed',
    error: { kind: 'no-marker', detail: `no 'SunS' marker (0x5375 0x6E53) at ${candidates.join(', ')} (${seen.join('; ')})` },
    models: [],
  };
}

function walk(known: KnownRegisters, base: number, maxModels: number): DiscoveryStep {
  const models: ModelRef[] = [];
  let address = base + 2;
  const failed = (kind: DiscoveryErrorKind, detail: string): DiscoveryStep => ({ kind: 'failed', error: { kind, detail }, baseAddress: base, models });
  for (;;) {
    if (address + 1 > MAX_ADDRESS) {
      return failed('length-overflow', `the chain reaches address ${address} without an end marker; the address space ends at ${MAX_ADDRESS}`);
    }
    if (known.failed(address) || known.failed(address + 1)) {
      return failed('unreadable', `the model header at ${address} could not be read (not in the dump, or the device refused the read)`);
    }
    const id = known.word(address);
    const length = known.word(address + 1);
    if (id === undefined || length === undefined) return { kind: 'read', address, count: 2 };
    if (id === END_MODEL_ID) return { kind: 'done', baseAddress: base, models };
    if (id === 0) return failed('bad-model-id', `model id 0 at ${address} (no model has id 0; the chain is broken)`);
    if (models.length >= maxModels) {
      return failed('too-many-models', `more than ${maxModels} models without an end marker; the chain is bogus`);
    }
    const next = address + 2 + length;
    if (next - 1 > MAX_ADDRESS) {
      return failed('length-overflow', `model ${id} at ${address} has length ${length}, running past the last address ${MAX_ADDRESS}`);
    }
    models.push({ id, address, length });
    address = next;
  }
}

function hex(w: number): string {
  return `0x${w.toString(16).padStart(4, '0').toUpperCase()}`;
}

/**
 * Runs discovery to the end against a synchronous reader (a register dump, a simulator
 * image); `read` returns undefined for registers it cannot supply. Bounded: every read
 * either adds words or marks them failed, and the walk is finite.
 */
export function discoverSync(
  read: (address: number, count: number) => ArrayLike<number> | undefined,
  options: DiscoveryOptions = {},
  known: RegisterMap = new RegisterMap(),
): Exclude<DiscoveryStep, { kind: 'read' }> {
  const limit = 4 * ((options.maxModels ?? MAX_MODELS) + 8);
  for (let guard = 0; guard < limit; guard++) {
    const step = discoveryStep(known, options);
    if (step.kind !== 'read') return step;
    let words = read(step.address, step.count);
    if (words && words.length === step.count) known.set(step.address, words);
    else if (step.count === 4 && (words = read(step.address, 2)) && words.length === 2) known.set(step.address, words);
    else known.markFailed(step.address, Math.min(step.count, 2));
  }
  throw new Error('discovery did not converge (broken invariant)');
}
