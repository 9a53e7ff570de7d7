// Lüth et al. (2018)'s "no grid charging" on cases small enough to work by hand.
import { describe, expect, it } from 'vitest';
import { glpkBackend } from '../../../edge-solver/lp/glpk.js';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { solveSchedule, type ScheduleCase, type ScheduleOptions, type ScheduleResult } from '../../../edge-solver/schedule/index.js';

const BIG_BATTERY = { capacityKWh: 10, chargePowerKW: 10, dischargePowerKW: 10, chargeEfficiency: 1, dischargeEfficiency: 1 };

/**
 * One house, two one-hour steps. Step 0: 1 kWh of PV, 1 kWh of demand, grid at 0.1. Step 1: no
 * PV, 3 kWh of demand, grid at 1.0. Feed-in pays nothing.
 *   grid charging:      PV serves step 0's demand; buy 3 kWh at 0.1 and store them  → 0.30
 *   Lüth (own DG):      store the 1 kWh of PV, let the grid serve step 0's
 *                       demand (0.1), import 2 in step 1 (2.0)                    → 2.10
 *   own surplus only:   no surplus in step 0, nothing stored; import 3 in step 1  → 3.00
 */
function oneHouse(): ScheduleCase {
  return {
    stepHours: 1,
    steps: 2,
    blocks: [{ id: 'b', importPrice: [0.1, 1.0], exportPrice: [0, 0] }],
    buildings: [{ id: 'h', blockId: 'b', demandKWh: [1, 3], generationKWh: [1, 0], battery: BIG_BATTERY }],
  };
}

/**
 * Two houses, P2P without loss. Step 0: house S has 2 kWh of PV and no demand; house B (the
 * battery) has no demand; grid 1.0, feed-in 0. Step 1: B needs 2 kWh, grid 1.0.
 *   Lüth: B buys S's 2 kWh from the pool in step 0 and stores them          → 0
 *   own surplus only: B has no surplus, cannot store the purchase; B imports 2 → 2.0
 */
function twoHouses(): ScheduleCase {
  return {
    stepHours: 1,
    steps: 2,
    blocks: [{ id: 'b', importPrice: [1, 1], exportPrice: [0, 0] }],
    buildings: [
      { id: 's', blockId: 'b', demandKWh: [0, 0], generationKWh: [2, 0] },
      { id: 'battery-house', blockId: 'b', demandKWh: [0, 2], generationKWh: [0, 0], battery: BIG_BATTERY },
    ],
  };
}

async function solve(c: ScheduleCase, options: ScheduleOptions, backend = highsBackend): Promise<ScheduleResult> {
  const r = await solveSchedule(c, { compareAlone: false, lossShare: 0, ...options }, backend);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

describe("Lüth's charging rule (gridCharging: false)", () => {
  for (const [name, backend] of [['HiGHS', highsBackend], ['glpk.js', glpkBackend]] as const) {
    it(`costs 0.30 with grid charging, 2.10 under Lüth's rule and 3.00 with own surplus only (${name})`, async () => {
      expect((await solve(oneHouse(), { gridCharging: true }, backend)).objective).toBeCloseTo(0.3, 9);
      const luth = await solve(oneHouse(), { gridCharging: false }, backend);
      expect(luth.objective).toBeCloseTo(2.1, 9);
      expect(luth.buildings[0]!.battery!.chargeKWh[0]).toBeCloseTo(1, 9);
      expect(luth.buildings[0]!.battery!.dischargeKWh[1]).toBeCloseTo(1, 9);
      expect((await solve(oneHouse(), { gridCharging: 'own-surplus-only' }, backend)).objective).toBeCloseTo(3.0, 9);
    });
  }

  it('lets a battery store what its house bought from a neighbour, which own-surplus-only forbids', async () => {
    const luth = await solve(twoHouses(), { gridCharging: false });
    expect(luth.objective).toBeCloseTo(0, 9);
    expect(luth.buildings[1]!.battery!.chargeKWh[0]).toBeCloseTo(2, 9);
    expect(luth.buildings[1]!.purchaseKWh[0]).toBeCloseTo(2, 9);
    const strict = await solve(twoHouses(), { gridCharging: 'own-surplus-only' });
    expect(strict.objective).toBeCloseTo(2, 9);
    expect(strict.buildings[1]!.battery!.chargeKWh[0]).toBeCloseTo(0, 9);
  });

  it('never lets a kWh of generation be both sold and stored while the grid fills in', async () => {
    // House H sells to a neighbour N at the pool; grid is cheap in step 0 and dear in step 1.
    // If generation could be counted twice, H would sell 2 and store 2 of its own 2 kWh.
    const c: ScheduleCase = {
      stepHours: 1,
      steps: 2,
      blocks: [{ id: 'b', importPrice: [0.1, 1], exportPrice: [0, 0] }],
      buildings: [
        { id: 'h', blockId: 'b', demandKWh: [0, 2], generationKWh: [2, 0], battery: BIG_BATTERY },
        { id: 'n', blockId: 'b', demandKWh: [2, 0], generationKWh: [0, 0] },
      ],
    };
    const r = await solve(c, { gridCharging: false });
    const h = r.buildings[0]!;
    const stored = h.battery!.chargeKWh[0]!;
    expect(stored + h.saleKWh[0]!).toBeLessThanOrEqual(2 + 1e-9);
    // Cheapest honest plan: N imports at 0.1, H stores its 2 kWh for step 1 → 0.2.
    expect(r.objective).toBeCloseTo(0.2, 9);
  });

  it("refuses an unknown charging rule", async () => {
    await expect(solve(oneHouse(), { gridCharging: 'sometimes' as unknown as boolean })).rejects.toThrow(/gridCharging/);
  });
});
