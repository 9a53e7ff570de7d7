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
  private readonly tables: Record<RegisterTable, Map<number, number>> = { holding: new Map(), input: new Map() };

  constructor(readonly rules: ReadRules = {}) {}

  /** Places `words` from `address` on in `table` (both tables when `table` is 'both'). */
  set(table: RegisterTable | 'both', address: number, words: ArrayLike<number>): this {
    if (!Number.isInteger(address) || address < 0 || address + words.length > 0x10000) {
      throw new RangeError(`register block at ${address} of ${words.length} words leaves 0..65535`);
    }
    const targets: RegisterTable[] = table === 'both' ? ['holding', 'input'] : [table];
    for (const t of targets) {
      const map = this.tables[t];
      for (let i = 0; i < words.length; i++) map.set(address + i, (words[i] as number) & 0xffff);
    }
    return this;
  }

  /** The words at [address, address + quantity), or the exception code the device answers instead. */
  read(table: RegisterTable, address: number, quantity: number): Uint16Array | number {
    if (quantity > (this.rules.maxRegistersPerRequest ?? 125)) return ILLEGAL_DATA_VALUE;
    if (address + quantity > 0x10000) return ILLEGAL_DATA_ADDRESS;
    for (const f of this.rules.forbidden ?? []) {
      if (f.table === table && address < f.end && address + quantity > f.start) return ILLEGAL_DATA_ADDRESS;
    }
    const map = this.tables[table];
    const zeroGaps = this.rules.gapsReadAsZero ?? false;
    const out = new Uint16Array(quantity);
    for (let i = 0; i < quantity; i++) {
      const w = map.get(address + i);
      if (w === undefined && !zeroGaps) return ILLEGAL_DATA_ADDRESS;
      out[i] = w ?? 0;
    }
    return out;
  }

  has(table: RegisterTable, address: number): boolean {
    return this.tables[table].has(address);
  }

  /** Number of mapped words in a table. */
  size(table: RegisterTable): number {
    return this.tables[table].size;
  }
}
