import { describe, expect, it } from 'vitest';
import { clearInterval, clearMeritOrder, validateOrderBook, type ClearingResult, type OrderBookInput } from '../../../edge-solver/clearing/index.js';
import { BACKEND_NAMES } from '../../../edge-solver/lp/index.js';
import { cleared } from './helpers.js';

// Units: the book takes integer minor units per kWh, so the known answers (prices like 0.475
// per kWh) are written in thousandths of the currency unit: 1.00 → 1000, 0.475 → 475,
// 0.10 → 100. Costs come back in the same unit, so 65.000 is 65 000. Energy is in Wh.

function book(input: OrderBookInput) {
  const r = validateOrderBook(input);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

function rel(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
}

function threeBlocks(capacityWh: number): OrderBookInput {
  const block = (id: string, netLoadWh: number) => ({ id, gridImportPriceMinorPerKWh: 1000, gridExportPriceMinorPerKWh: 475, netLoadWh });
  return {
    intervalStart: '2026-01-01T12:00:00Z',
    intervalMinutes: 60,
    blocks: [block('A', -80_000), block('B', 50_000), block('C', 70_000)],
    lines: [
      { id: 'A-B', from: 'A', to: 'B', capacityWh, feeMinorPerKWh: 100 },
      { id: 'B-C', from: 'B', to: 'C', capacityWh, feeMinorPerKWh: 100 },
    ],
    orders: [],
  };
}

function cost(r: ClearingResult): number {
  return r.totals.gridImportCostMinor - r.totals.gridExportRevenueMinor + r.totals.dsoFeeRevenueMinor;
}

describe('three blocks in a line (A surplus 80 kWh, B and C short 50 and 70 kWh)', () => {
  for (const backend of BACKEND_NAMES) {
    it(`with lines capped at 40 kWh costs 65.000 at prices 0.475, 1.00, 1.00 (${backend})`, async () => {
      const r = cleared(await clearInterval(book(threeBlocks(40_000)), { backend }));
      rel(cost(r), 65_000);
      r.blocks.forEach((b, i) => rel(b.priceMinorPerKWh!, [475, 1000, 1000][i]!));
      expect(r.lines.map((l) => l.forwardWh)).toEqual([40_000, 0]);
    });

    it(`with uncapped lines costs 51.000 at prices 0.80, 0.90, 1.00 (${backend})`, async () => {
      const r = cleared(await clearInterval(book(threeBlocks(1_000_000)), { backend }));
      rel(cost(r), 51_000);
      r.blocks.forEach((b, i) => rel(b.priceMinorPerKWh!, [800, 900, 1000][i]!));
      expect(r.lines.map((l) => l.forwardWh)).toEqual([80_000, 30_000]);
      rel(r.totals.dsoFeeRevenueMinor, 11_000);
    });

    it(`without trade between blocks costs 82.000 (${backend})`, async () => {
      const r = cleared(await clearInterval(book(threeBlocks(0)), { backend }));
      rel(cost(r), 82_000);
      expect(r.blocks.map((b) => b.priceMinorPerKWh)).toEqual([475, 1000, 1000]);
    });
  }
});

// Grid Singularity's pay-as-clear test vectors: unit quantities (1 kWh each), one block, no grid.
function gsBook(offers: number[], bids: number[]): OrderBookInput {
  const order = (side: 'bid' | 'offer', price: number, i: number) => ({
    id: `${side}-${i}`,
    participant: `${side}-${i}`,
    block: 'X',
    side,
    steps: [{ energyWh: 1000, priceMinorPerKWh: price }],
  });
  return {
    intervalStart: '2026-01-01T12:00:00Z',
    blocks: [{ id: 'X', gridImportPriceMinorPerKWh: 0, gridExportPriceMinorPerKWh: 0, connectionCapWh: 0 }],
    orders: [...offers.map((p, i) => order('offer', p, i)), ...bids.map((p, i) => order('bid', p, i))],
  };
}

const GS_CASES: Array<{ offers: number[]; bids: number[]; rate: number; energyKWh: number; interval: [number, number] }> = [
  { offers: [1, 2, 3, 4, 5, 6, 7], bids: [1, 2, 3, 4, 5, 6, 7], rate: 4, energyKWh: 4, interval: [4, 4] },
  { offers: [2, 3, 3, 5, 6, 7, 8], bids: [1, 2, 3, 4, 5, 6, 7], rate: 5, energyKWh: 3, interval: [4, 5] },
  { offers: [10, 10, 10, 10, 10, 10, 10], bids: [1, 2, 3, 4, 10, 10, 10], rate: 10, energyKWh: 3, interval: [10, 10] },
  { offers: [1, 2, 5, 5, 5, 6, 7], bids: [5, 5, 5, 5, 5, 5, 5], rate: 5, energyKWh: 5, interval: [5, 5] },
];

describe('Grid Singularity pay-as-clear vectors', () => {
  for (const c of GS_CASES) {
    const name = `offers ${c.offers.join(',')} vs bids ${c.bids.join(',')} clear at ${c.rate} for ${c.energyKWh} kWh`;
    it(`${name} (merit order)`, () => {
      const r = cleared(clearMeritOrder(book(gsBook(c.offers, c.bids)), { priceRule: 'pay-as-clear' }));
      rel(r.blocks[0]!.priceMinorPerKWh!, c.rate);
      expect(r.totals.tradedWh).toBe(c.energyKWh * 1000);
      expect(r.blocks[0]!.priceIntervalMinorPerKWh).toEqual(c.interval);
    });
    for (const backend of BACKEND_NAMES) {
      it(`${name} (${backend})`, async () => {
        const r = cleared(await clearInterval(book(gsBook(c.offers, c.bids)), { backend, priceRule: 'pay-as-clear' }));
        rel(r.blocks[0]!.priceMinorPerKWh!, c.rate);
        expect(r.totals.tradedWh).toBe(c.energyKWh * 1000);
        expect(r.blocks[0]!.priceIntervalMinorPerKWh).toEqual(c.interval);
      });
    }
  }

  it('the midpoint rule prices the second vector at 4.5, inside its interval [4, 5]', () => {
    const c = GS_CASES[1]!;
    const r = cleared(clearMeritOrder(book(gsBook(c.offers, c.bids))));
    expect(r.blocks[0]!.priceMinorPerKWh).toBe(4.5);
  });

  it('equal-price marginal bids share the matched energy pro rata, to the Wh', () => {
    const c = GS_CASES[3]!;
    const r = cleared(clearMeritOrder(book(gsBook(c.offers, c.bids))));
    const bids = r.orders.filter((o) => o.side === 'bid').map((o) => o.acceptedWh);
    // 5000 Wh over seven equal bids: 714 each, the 2 Wh left to the first two in canonical order.
    expect(bids).toEqual([715, 715, 714, 714, 714, 714, 714]);
  });
});

describe('a lossy line (worked by hand)', () => {
  // A's 10 kWh surplus crosses a line losing 10 % to cover B's 9 kWh load exactly. Valid prices:
  // λ_A = 0.9·λ_B, λ_A ≥ 400 (A exports nothing), λ_B ≤ 1000 (B imports nothing), so
  // λ_A ∈ [400, 900], λ_B ∈ [444.4…, 1000]; the midpoints (650, 722.2…) are jointly valid.
  const input: OrderBookInput = {
    intervalStart: '2026-01-01T12:00:00Z',
    blocks: [
      { id: 'A', gridImportPriceMinorPerKWh: 1000, gridExportPriceMinorPerKWh: 400, netLoadWh: -10_000 },
      { id: 'B', gridImportPriceMinorPerKWh: 1000, gridExportPriceMinorPerKWh: 400, netLoadWh: 9_000 },
    ],
    lines: [{ id: 'A-B', from: 'A', to: 'B', capacityWh: 50_000, feeMinorPerKWh: 0, lossFraction: 0.1 }],
    orders: [],
  };
  for (const backend of BACKEND_NAMES) {
    it(`sends all of A's surplus and prices both ends consistently (${backend})`, async () => {
      const r = cleared(await clearInterval(book(input), { backend }));
      expect(r.lines[0]).toMatchObject({ forwardWh: 10_000, forwardDeliveredWh: 9_000, lossWh: 1_000 });
      expect(r.blocks.map((b) => b.gridImportWh + b.gridExportWh)).toEqual([0, 0]);
      rel(r.blocks[0]!.priceMinorPerKWh!, 650);
      rel(r.blocks[1]!.priceMinorPerKWh!, 650 / 0.9);
      rel(r.blocks[1]!.priceIntervalMinorPerKWh[0]!, 400 / 0.9);
      expect(r.blocks[0]!.priceIntervalMinorPerKWh).toEqual([400, 900]);
    });
  }
});
