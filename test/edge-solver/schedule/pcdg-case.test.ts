import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { solveSchedule, type ScheduleCase, type ScheduleOptions, type ScheduleResult } from '../../../edge-solver/schedule/index.js';
import { pcdgCase, relativeError } from './cases.js';

const BATTERY_HOUSES = ['5', '15', '23'];

async function solve(c: ScheduleCase, options: ScheduleOptions): Promise<ScheduleResult> {
  const r = await solveSchedule(c, { compareAlone: false, ...options }, highsBackend);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

/** Σ price·max(0, demand − generation), read straight from the CSV, not through the parser. */
function importCostOfEachHouseAlone(): number {
  const text = readFileSync(fileURLToPath(new URL('../../fixtures/market-cases/pcdg-25-houses-day.csv', import.meta.url)), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  const col = (name: string): number => header!.split(',').indexOf(name);
  let cost = 0;
  for (const row of rows) {
    const f = row.split(',').map(Number);
    const deficit = f[col('demand_kwh')]! - f[col('pv_kwh')]! - f[col('wind_kwh')]!;
    cost += f[col('grid_price_pence_per_kwh')]! * Math.max(0, deficit);
  }
  return cost;
}

/** Every house's balance, every pool's balance and every battery's state equation hold. */
function expectPhysicsHolds(c: ScheduleCase, r: ScheduleResult, lossShare: number): void {
  for (let t = 0; t < c.steps; t++) {
    let delivered = 0;
    let received = 0;
    c.buildings.forEach((b, i) => {
      const s = r.buildings[i]!;
      const battery = s.battery;
      const supply = b.generationKWh[t]! - s.curtailKWh[t]! + s.importKWh[t]! + s.purchaseKWh[t]! + (battery?.dischargeKWh[t] ?? 0);
      const use = b.demandKWh[t]! + s.exportKWh[t]! + s.saleKWh[t]! + (battery?.chargeKWh[t] ?? 0);
      expect(Math.abs(supply - use)).toBeLessThan(1e-7);
      delivered += (1 - lossShare) * s.saleKWh[t]!;
      received += s.purchaseKWh[t]!;
      if (battery && b.battery) {
        const before = t === 0 ? 0 : battery.socKWh[t - 1]!;
        const after = before + b.battery.chargeEfficiency * battery.chargeKWh[t]! - battery.dischargeKWh[t]! / b.battery.dischargeEfficiency;
        expect(Math.abs(after - battery.socKWh[t]!)).toBeLessThan(1e-7);
        expect(battery.socKWh[t]!).toBeLessThanOrEqual(b.battery.capacityKWh + 1e-9);
        expect(battery.chargeKWh[t]!).toBeLessThanOrEqual(b.battery.chargePowerKW * c.stepHours + 1e-9);
      }
    });
    expect(Math.abs(delivered - received)).toBeLessThan(1e-7);
  }
}

describe('day-ahead schedule on the PCDG 25-house winter day', () => {
  const plain = pcdgCase();
  const withBatteries = pcdgCase(BATTERY_HOUSES);
  const results: Record<string, ScheduleResult> = {};

  beforeAll(async () => {
    results.alone = await solve(plain, { p2p: false });
    results.p2p = await solve(plain, {});
    results.batteries = await solve(withBatteries, {});
    results.noGridCharging = await solve(withBatteries, { gridCharging: false });
    results.ownSurplusOnly = await solve(withBatteries, { gridCharging: 'own-surplus-only' });
  });

  it('costs without P2P and batteries exactly what each house pays for its own deficit', () => {
    expect(relativeError(results.alone!.objective, importCostOfEachHouseAlone())).toBeLessThan(1e-9);
  });

  it('costs less with P2P than without, since some houses have surplus while others import', () => {
    expect(results.p2p!.objective).toBeLessThan(results.alone!.objective - 0.1);
  });

  it('costs less with batteries at houses 5, 15, 23 than without', () => {
    expect(results.batteries!.objective).toBeLessThan(results.p2p!.objective);
  });

  it('costs no more when batteries may charge from the grid than when they may not', () => {
    expect(results.batteries!.objective).toBeLessThanOrEqual(results.noGridCharging!.objective + 1e-9);
    expect(results.noGridCharging!.objective).toBeLessThanOrEqual(results.p2p!.objective + 1e-9);
  });

  it("costs no more under Lüth's rule (own or bought generation) than with own surplus only", () => {
    expect(results.noGridCharging!.objective).toBeLessThanOrEqual(results.ownSurplusOnly!.objective + 1e-9);
    expect(results.ownSurplusOnly!.objective).toBeLessThanOrEqual(results.p2p!.objective + 1e-9);
  });

  it("charges batteries only from their own generation or a purchase under Lüth's rule", () => {
    withBatteries.buildings.forEach((b, i) => {
      const s = results.noGridCharging!.buildings[i]!;
      if (!s.battery) return;
      s.battery.chargeKWh.forEach((ch, t) => expect(ch).toBeLessThanOrEqual(b.generationKWh[t]! + s.purchaseKWh[t]! + 1e-9));
    });
  });

  it('charges batteries only from their own surplus when grid charging is barred', () => {
    withBatteries.buildings.forEach((b, i) => {
      const battery = results.ownSurplusOnly!.buildings[i]!.battery;
      if (!battery) return;
      battery.chargeKWh.forEach((ch, t) => expect(ch).toBeLessThanOrEqual(Math.max(0, b.generationKWh[t]! - b.demandKWh[t]!) + 1e-9));
    });
  });

  it('balances energy in every house and step, and in the pool', () => {
    expectPhysicsHolds(plain, results.alone!, 0.076);
    expectPhysicsHolds(plain, results.p2p!, 0.076);
    expectPhysicsHolds(withBatteries, results.batteries!, 0.076);
    expectPhysicsHolds(withBatteries, results.noGridCharging!, 0.076);
    expectPhysicsHolds(withBatteries, results.ownSurplusOnly!, 0.076);
  });

  it('reports KPIs consistent with the schedules', () => {
    const k = results.batteries!.kpis;
    expect(k.demandKWh).toBeCloseTo(575.639, 3);
    expect(k.generationKWh).toBeCloseTo(26.001, 3);
    expect(k.selfSufficiency).toBeCloseTo(1 - k.importKWh / k.demandKWh, 12);
    expect(k.peakImportKW).toBeGreaterThan(0);
    expect(k.costTotal).toBe(results.batteries!.objective);
  });
});
