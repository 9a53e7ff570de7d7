import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { solveSchedule, type ScheduleCase, type ScheduleOptions, type ScheduleResult } from '../../../edge-solver/schedule/index.js';

const energy = fc.double({ min: 0, max: 3, noNaN: true });
const STEPS = 4;

// Small communities with any prices, negative ones included (feed-in never above import).
const caseArb = fc
  .record({
    houses: fc.array(fc.record({ demand: fc.array(energy, { minLength: STEPS, maxLength: STEPS }), gen: fc.array(energy, { minLength: STEPS, maxLength: STEPS }), battery: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    importPrice: fc.array(fc.double({ min: -10, max: 40, noNaN: true }), { minLength: STEPS, maxLength: STEPS }),
    spread: fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { minLength: STEPS, maxLength: STEPS }),
  })
  .map(({ houses, importPrice, spread }): ScheduleCase => ({
    stepHours: 1,
    steps: STEPS,
    blocks: [{ id: 'b', importPrice, exportPrice: importPrice.map((p, t) => p - spread[t]!) }],
    buildings: houses.map((h, i) => ({
      id: `h${i}`,
      blockId: 'b',
      demandKWh: h.demand,
      generationKWh: h.gen,
      ...(h.battery ? { battery: { capacityKWh: 3, chargePowerKW: 1.5, dischargePowerKW: 1.5, chargeEfficiency: 0.95, dischargeEfficiency: 0.95 } } : {}),
    })),
  }));

async function solve(c: ScheduleCase, options: ScheduleOptions): Promise<ScheduleResult> {
  const r = await solveSchedule(c, options, highsBackend);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

const withoutBatteries = (c: ScheduleCase): ScheduleCase => ({ ...c, buildings: c.buildings.map(({ battery: _, ...b }) => b) });

describe('day-ahead schedule on random small communities', () => {
  it('is always bounded and feasible, never costs more with P2P or batteries, and balances every house', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const tol = 1e-6 * (1 + c.buildings.length * STEPS * 40);
        const community = await solve(c, {});
        const alone = await solve(c, { p2p: false, compareAlone: false });
        const bare = await solve(withoutBatteries(c), { compareAlone: false });
        expect(community.objective).toBeLessThanOrEqual(alone.objective + tol);
        expect(community.objective).toBeLessThanOrEqual(bare.objective + tol);
        expect(community.kpis.savingsVsAlone!).toBeGreaterThanOrEqual(-tol);
        // Inside one block the P2P payments cancel: the buildings' bills add up to the objective.
        const bills = community.buildings.reduce((s, b) => s + b.costInCommunity!, 0);
        expect(Math.abs(bills - community.objective)).toBeLessThan(tol);
        c.buildings.forEach((b, i) => {
          const s = community.buildings[i]!;
          for (let t = 0; t < STEPS; t++) {
            const supply = b.generationKWh[t]! - s.curtailKWh[t]! + s.importKWh[t]! + s.purchaseKWh[t]! + (s.battery?.dischargeKWh[t] ?? 0);
            const use = b.demandKWh[t]! + s.exportKWh[t]! + s.saleKWh[t]! + (s.battery?.chargeKWh[t] ?? 0);
            expect(Math.abs(supply - use)).toBeLessThan(1e-6);
            // Sales come from own generation or the battery, never from the grid.
            expect(s.saleKWh[t]!).toBeLessThanOrEqual(b.generationKWh[t]! - s.curtailKWh[t]! + (s.battery?.dischargeKWh[t] ?? 0) + 1e-6);
          }
        });
      }),
      { numRuns: 40, seed: 20260101 },
    );
  });
});
