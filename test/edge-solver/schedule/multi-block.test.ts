import { describe, expect, it } from 'vitest';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { glpkBackend } from '../../../edge-solver/lp/glpk.js';
import { solveSchedule } from '../../../edge-solver/schedule/index.js';
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
});
