// The register side of a simulated Modbus device: what FC 3/4 read and where FC 6/16 write.
// Built from the truth by a device model (a protocols/ register map or a SunSpec model chain),
// so the simulator and the gateway share one table.

export type RegisterTable = 'holding' | 'input';

/** How a device answers reads that touch words it does not map. */
export interface ReadRules {
  /**
   * Unmapped words read as zero (meters such as the SDM630 answer anything outside their
   * forbidden ranges); by default a read touching an unmapped word gets exception 2.
   */
  gapsReadAsZero?: boolean;
  /** Ranges [start, end) a read must not touch (exception 2). */
  forbidden?: ReadonlyArray<{ table: RegisterTable; start: number; end: number }>;
  /** Longer reads get exception 3; the protocol's 125 by default. */
  maxRegistersPerRequest?: number;
}

const ILLEGAL_DATA_ADDRESS = 2;
const ILLEGAL_DATA_VALUE = 3;

/** The words a device maps, in both tables, with its rules for reads. */
export class RegisterImage {
  // Sorted, non-overlapping, non-adjacent runs of words per table: a few typed arrays per image
  // instead of a map entry per word, since an image is rebuilt for nearly every request.
  private readonly tables: Record<RegisterTable, Run[]> = { holding: [], input: [] };

  constructor(readonly rules: ReadRules = {}) {}

  /** Places `words` from `address` on in `table` (both tables when `table` is 'both'). */
  set(table: RegisterTable | 'both', address: number, words: ArrayLike<number>): this {
    if (!Number.isInteger(address) || address < 0 || address + words.length > 0x10000) {
      throw new RangeError(`register block at ${address} of ${words.length} words leaves 0..65535`);
    }
    if (words.length === 0) return this;
    if (table === 'both') return this.set('holding', address, words).set('input', address, words);
    const runs = this.tables[table];
    const end = address + words.length;
    // Runs that overlap or touch [address, end) merge with it into one.
    let first = 0;
    while (first < runs.length && (runs[first] as Run).start + (runs[first] as Run).words.length < address) first++;
    let last = first;
    while (last < runs.length && (runs[last] as Run).start <= end) last++;
    let start = address;
    let stop = end;
    for (let i = first; i < last; i++) {
      const r = runs[i] as Run;
      start = Math.min(start, r.start);
      stop = Math.max(stop, r.start + r.words.length);
    }
    const merged = new Uint16Array(stop - start);
    for (let i = first; i < last; i++) merged.set((runs[i] as Run).words, (runs[i] as Run).start - start);
    for (let i = 0; i < words.length; i++) merged[address - start + i] = (words[i] as number) & 0xffff;
    runs.splice(first, last - first, { start, words: merged });
    return this;
  }

  /** The words at [address, address + quantity), or the exception code the device answers instead. */
  read(table: RegisterTable, address: number, quantity: number): Uint16Array | number {
    if (quantity > (this.rules.maxRegistersPerRequest ?? 125)) return ILLEGAL_DATA_VALUE;
    if (address + quantity > 0x10000) return ILLEGAL_DATA_ADDRESS;
    for (const f of this.rules.forbidden ?? []) {
      if (f.table === table && address < f.end && address + quantity > f.start) return ILLEGAL_DATA_ADDRESS;
    }
    const zeroGaps = this.rules.gapsReadAsZero ?? false;
    const end = address + quantity;
    const out = new Uint16Array(quantity);
    let covered = 0;
    for (const r of this.tables[table]) {
      const rEnd = r.start + r.words.length;
      if (rEnd <= address) continue;
      if (r.start >= end) break;
      const from = Math.max(address, r.start);
      const to = Math.min(end, rEnd);
      out.set(r.words.subarray(from - r.start, to - r.start), from - address);
      covered += to - from;
    }
    if (covered < quantity && !zeroGaps) return ILLEGAL_DATA_ADDRESS;
    return out;
  }

  has(table: RegisterTable, address: number): boolean {
    return this.tables[table].some((r) => address >= r.start && address < r.start + r.words.length);
  }

  /** The mapped ranges of a table, in address order. */
  runs(table: RegisterTable): Array<{ start: number; length: number }> {
    return this.tables[table].map((r) => ({ start: r.start, length: r.words.length }));
  }

  /** Number of mapped words in a table. */
  size(table: RegisterTable): number {
    return this.tables[table].reduce((n, r) => n + r.words.length, 0);
  }
}

interface Run {
  start: number;
  words: Uint16Array;
}
