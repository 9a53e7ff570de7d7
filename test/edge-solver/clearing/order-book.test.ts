import { describe, expect, it } from 'vitest';
import { validateOrderBook } from '../../../edge-solver/clearing/index.js';

const GOOD = {
  intervalStart: '2026-11-22T10:15:00Z',
  blocks: [
    { id: 'A', gridImportPriceMinorPerKWh: 120, gridExportPriceMinorPerKWh: 60 },
    { id: 'B', gridImportPriceMinorPerKWh: -5, gridExportPriceMinorPerKWh: -20, connectionCapWh: 0 },
  ],
  lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 1000, feeMinorPerKWh: 3 }],
  orders: [{ id: 'o1', participant: 'p', block: 'A', side: 'bid', steps: [{ energyWh: 10, priceMinorPerKWh: -3 }] }],
};

function detail(book: unknown): string {
  const r = validateOrderBook(book);
  if (r.ok) throw new Error('expected the book to be rejected');
  expect(r.error.kind).toBe('invalid-book');
  return r.error.detail;
}

describe('order book validation', () => {
  it('accepts a valid book with negative prices and fills the defaults', () => {
    const r = validateOrderBook(GOOD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.intervalMinutes).toBe(15);
    expect(r.value.blocks[0]).toMatchObject({ gridTariffMinorPerKWh: 0, netLoadWh: 0 });
    expect(r.value.lines[0]!.lossFraction).toBe(0);
  });

  it('names the path of a field of the wrong type or range', () => {
    expect(detail({ ...GOOD, orders: [{ ...GOOD.orders[0]!, steps: [{ energyWh: 1.5, priceMinorPerKWh: 1 }] }] })).toMatch(/^orders\[0\]\.steps\[0\]\.energyWh:/);
    expect(detail({ ...GOOD, orders: [{ ...GOOD.orders[0]!, side: 'buy' }] })).toMatch(/^orders\[0\]\.side:/);
    expect(detail({ ...GOOD, lines: [{ ...GOOD.lines[0]!, lossFraction: 1 }] })).toMatch(/^lines\[0\]\.lossFraction:/);
    expect(detail({ ...GOOD, intervalStart: '2026-11-22 10:15' })).toMatch(/^intervalStart:/);
    expect(detail({ ...GOOD, blocks: [{ ...GOOD.blocks[0]!, gridImportPriceMinorPerKWh: 1.25 }] })).toMatch(/^blocks\[0\]\.gridImportPriceMinorPerKWh:/);
  });

  it('rejects unknown fields rather than ignoring them', () => {
    expect(detail({ ...GOOD, orders: [{ ...GOOD.orders[0]!, limit: 3 }] })).toMatch(/^orders\[0\]/);
  });

  it('rejects duplicate ids, unknown blocks and self-loops with their paths', () => {
    expect(detail({ ...GOOD, orders: [GOOD.orders[0]!, GOOD.orders[0]!] })).toMatch(/^orders\[1\]\.id: duplicate/);
    expect(detail({ ...GOOD, orders: [{ ...GOOD.orders[0]!, block: 'Z' }] })).toMatch(/^orders\[0\]\.block: unknown block Z/);
    expect(detail({ ...GOOD, lines: [{ ...GOOD.lines[0]!, to: 'A' }] })).toMatch(/^lines\[0\]\.to:/);
    expect(detail({ ...GOOD, lines: [{ ...GOOD.lines[0]!, from: 'Q' }] })).toMatch(/^lines\[0\]\.from: unknown block Q/);
    expect(detail({ ...GOOD, blocks: [GOOD.blocks[0]!, GOOD.blocks[0]!] })).toMatch(/^blocks\[1\]\.id: duplicate/);
  });

  it('rejects a feed-in price above the import price plus tariff, which would pay to cycle energy', () => {
    expect(detail({ ...GOOD, blocks: [{ ...GOOD.blocks[0]!, gridExportPriceMinorPerKWh: 121 }] })).toMatch(/^blocks\[0\]\.gridExportPriceMinorPerKWh:/);
  });

  it('rejects a feed-in price equal to import plus tariff on an open connection, where grid flows would tie', () => {
    const b = GOOD.blocks[0]!;
    // Block A has no tariff: feed-in equal to its import price.
    const equal = b.gridImportPriceMinorPerKWh;
    expect(detail({ ...GOOD, blocks: [{ ...b, gridExportPriceMinorPerKWh: equal }, GOOD.blocks[1]!] })).toMatch(/^blocks\[0\]\.gridExportPriceMinorPerKWh: must be below/);
    expect(validateOrderBook({ ...GOOD, blocks: [{ ...b, gridExportPriceMinorPerKWh: equal, connectionCapWh: 0 }, GOOD.blocks[1]!] }).ok).toBe(true);
  });

  it('never throws on garbage', () => {
    for (const junk of [null, 42, 'book', [], { blocks: 'x' }]) expect(validateOrderBook(junk).ok).toBe(false);
  });
});
