import { describe, expect, it } from 'vitest';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { glpkBackend } from '../../../edge-solver/lp/glpk.js';
import { blockPriceRanges, solveSchedule } from '../../../edge-solver/schedule/index.js';
import { lineCase, relativeError } from './cases.js';

// Three blocks on a line A—B—C: A has 80 kWh to spare, B needs 50, C needs 70; import 1.00,
// export 0.475, a DSO fee of 0.10 per kWh on each line. No P2P losses between aggregated blocks.
const options = { lossShare: 0 };

describe('day-ahead schedule across blocks joined by DSO lines', () => {
  for (const backend of [highsBackend, glpkBackend]) {
    it(`costs 65.000 with lines capped at 40 kWh, prices (0.475, 1.00, 1.00) (${backend.name})`, async () => {
      const r = await solveSchedule(lineCase(40), options, backend);
      if (!r.ok) throw new Error(r.error.detail);
      expect(relativeError(r.value.objective, 65)).toBeLessThan(1e-6);
      const prices = r.value.blocks.map((b) => b.price![0]!);
      [0.475, 1.0, 1.0].forEach((p, k) => expect(relativeError(prices[k]!, p)).toBeLessThan(1e-6));
      expect(r.value.lines.map((l) => l.flowKWh[0])).toEqual([40, 0]);
    });

    it(`costs 51.000 with uncapped lines, prices (0.80, 0.90, 1.00) (${backend.name})`, async () => {
      const r = await solveSchedule(lineCase(Infinity), options, backend);
      if (!r.ok) throw new Error(r.error.detail);
      expect(relativeError(r.value.objective, 51)).toBeLessThan(1e-6);
      const prices = r.value.blocks.map((b) => b.price![0]!);
      [0.8, 0.9, 1.0].forEach((p, k) => expect(relativeError(prices[k]!, p)).toBeLessThan(1e-6));
      expect(r.value.kpis.lineFeeCost).toBeCloseTo(0.1 * (80 + 30), 9);
    });
  }

  it('costs 82.000 without trade, each block pricing at its own grid margin', async () => {
    const r = await solveSchedule(lineCase(40), { ...options, p2p: false }, highsBackend);
    if (!r.ok) throw new Error(r.error.detail);
    expect(relativeError(r.value.objective, 82)).toBeLessThan(1e-6);
    expect(r.value.blocks.every((b) => b.price === null)).toBe(true);
    expect(r.value.buildings.map((b) => b.marginalPrice![0])).toEqual([0.475, 1, 1]);
    expect(r.value.kpis.savingsVsAlone).toBeCloseTo(0, 9);
  });

  it('prices equal across blocks when lines are free and uncongested', async () => {
    const c = lineCase(Infinity);
    const free = { ...c, lines: c.lines!.map((l) => ({ ...l, feePerKWh: 0 })) };
    const r = await solveSchedule(free, options, highsBackend);
    if (!r.ok) throw new Error(r.error.detail);
    const prices = r.value.blocks.map((b) => b.price![0]!);
    expect(prices.every((p) => Math.abs(p - 1) < 1e-9)).toBe(true);
    expect(r.value.objective).toBeCloseTo(40, 9);
  });

  it('prices each block by what reaches it when lines lose 10 %', async () => {
    const c = lineCase(Infinity);
    const lossy = { ...c, lines: c.lines!.map((l) => ({ ...l, lossShare: 0.1 })) };
    const r = await solveSchedule(lossy, options, highsBackend);
    if (!r.ok) throw new Error(r.error.detail);
    // A sends 80 (72 arrive), B keeps 50 and sends 22 on (19.8 arrive), C imports 50.2.
    expect(r.value.objective).toBeCloseTo(0.1 * (80 + 22) + 50.2, 9);
    expect(r.value.lines.map((l) => l.flowKWh[0])).toEqual([80, 22].map((x) => expect.closeTo(x, 9)));
    // C on the grid margin; B's kWh is worth 0.9 of C's less the fee; A's likewise of B's.
    const prices = r.value.blocks.map((b) => b.price![0]!);
    [0.62, 0.8, 1.0].forEach((p, k) => expect(prices[k]!).toBeCloseTo(p, 9));
  });

  it('finds the uncapped prices unique, and the capped price of C anywhere in [1.00, 1.10]', async () => {
    const uncapped = await blockPriceRanges(lineCase(Infinity), options, highsBackend);
    if (!uncapped.ok) throw new Error(uncapped.error.detail);
    expect(uncapped.value.every((block) => block[0]!.unique)).toBe(true);
    const capped = await blockPriceRanges(lineCase(40), options, highsBackend);
    if (!capped.ok) throw new Error(capped.error.detail);
    const [a, b, c] = capped.value.map((block) => block[0]!);
    expect([a!.unique, b!.unique, c!.unique]).toEqual([true, true, false]);
    // Nothing flows to C: a kWh less there is worth C's import (1.00); a kWh more must come from
    // B, which then imports it and pays the fee (1.10). The reported 1.00 is one valid price.
    expect([c!.lower, c!.upper]).toEqual([expect.closeTo(1, 6), expect.closeTo(1.1, 6)]);
  });

  it('says when a block price is not unique: a line carrying exactly what the far block needs', async () => {
    const c = lineCase(50);
    // A has 50 to spare, B needs exactly 50, C nothing: the line A—B runs full without a margin.
    const tight = { ...c, buildings: c.buildings.map((b) => (b.id === 'A' ? { ...b, generationKWh: [50] } : b.id === 'C' ? { ...b, demandKWh: [0] } : b)) };
    const ranges = await blockPriceRanges(tight, options, highsBackend);
    if (!ranges.ok) throw new Error(ranges.error.detail);
    const [a, b] = ranges.value.map((block) => block[0]!);
    // A: a kWh more surplus is exported (0.475); a kWh less leaves B importing it less the fee (0.90).
    expect([a!.lower, a!.upper]).toEqual([expect.closeTo(0.475, 6), expect.closeTo(0.9, 6)]);
    // B: a kWh more is imported (1.00); a kWh less saves the fee and earns A's export (0.575).
    expect([b!.lower, b!.upper]).toEqual([expect.closeTo(0.575, 6), expect.closeTo(1, 6)]);
    expect(a!.unique || b!.unique).toBe(false);
    const r = await solveSchedule(tight, options, highsBackend);
    if (!r.ok) throw new Error(r.error.detail);
    const reported = r.value.blocks.map((block) => block.price![0]!);
    expect(reported[0]!).toBeGreaterThanOrEqual(0.475 - 1e-9);
    expect(reported[0]!).toBeLessThanOrEqual(0.9 + 1e-9);
    expect(reported[1]!).toBeGreaterThanOrEqual(0.575 - 1e-9);
    expect(reported[1]!).toBeLessThanOrEqual(1 + 1e-9);
  });
});
