// The register side of a simulated Modbus device: what FC 3/4 read and where FC 6/16 write.
// Built from the truth by a device model (a protocols/ register map or a SunSpec model chain),
// so the simulator and the gateway share one table.

export type RegisterTable = 'holding' | 'input';

/** Blocks of consecutive words; a read must fall inside one mapped run of words. */
export class RegisterImage {
  private readonly tables: Record<RegisterTable, Map<number, number>> = { holding: new Map(), input: new Map() };

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

  /** The words at [address, address + quantity), or undefined when any of them is unmapped. */
  read(table: RegisterTable, address: number, quantity: number): Uint16Array | undefined {
    const map = this.tables[table];
    const out = new Uint16Array(quantity);
    for (let i = 0; i < quantity; i++) {
      const w = map.get(address + i);
      if (w === undefined) return undefined;
      out[i] = w;
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
