import { describe, expect, it } from 'vitest';
import { highsBackend } from '../../../edge-solver/lp/highs.js';
import { solveSchedule, type ScheduleCase, type ScheduleOptions, type ScheduleResult } from '../../../edge-solver/schedule/index.js';
import { relativeError, TOY_BATTERY, toyCase } from './cases.js';

const PSI = 0.924;
const toyOptions: ScheduleOptions = { lossShare: 1 - PSI, exportAllowed: false, compareAlone: false };

async function solve(c: ScheduleCase, options: ScheduleOptions): Promise<ScheduleResult> {
  const r = await solveSchedule(c, options, highsBackend);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

function poolHubToy(): ScheduleCase {
  const c = toyCase(undefined);
  return { ...c, blocks: c.blocks.map((b) => ({ ...b, hubBattery: TOY_BATTERY })) };
}

describe('Pool Hub design', () => {
  it('fills the shared battery from its grid connection and empties it into the pool without P2P loss', async () => {
    const r = await solve(poolHubToy(), { ...toyOptions, design: 'pool-hub' });
    // Period 1: the deficits (0.974) and 1.2 kWh for the hub, less house 3's surplus after loss.
    const first = 0.974 + 1.2 - 0.14 * PSI;
    // Period 2: the hub's 1.176 kWh and house 3's surplus cover part of the deficits at price 3.
    const second = 3 * (1.675 - 1.2 * 0.98 - 0.144 * PSI);
    expect(relativeError(r.objective, first + second)).toBeLessThan(1e-6);
    expect(r.blocks[0]!.hub!.chargeKWh[0]).toBeCloseTo(1.2, 9);
    expect(r.kpis.importKWh).toBeCloseTo(0.974 + 1.2 - 0.14 * PSI + (1.675 - 1.2 * 0.98 - 0.144 * PSI), 9);
  });

  it('stores only the surplus the houses deliver to the pool when grid charging is barred', async () => {
    const r = await solve(poolHubToy(), { ...toyOptions, design: 'pool-hub', gridCharging: false });
    const stored = 0.14 * PSI;
    const expected = 0.974 + 3 * (1.675 - stored * 0.98 - 0.144 * PSI);
    expect(relativeError(r.objective, expected)).toBeLessThan(1e-6);
  });

  it('ignores the private batteries under Pool Hub and the hub under Flexi User', async () => {
    const flexiOnHubCase = await solve(poolHubToy(), toyOptions);
    expect(relativeError(flexiOnHubCase.objective, 5.470472)).toBeLessThan(1e-6);
    const hubOnPrivateCase = await solve(toyCase(TOY_BATTERY), { ...toyOptions, design: 'pool-hub' });
    expect(relativeError(hubOnPrivateCase.objective, 5.470472)).toBeLessThan(1e-6);
  });
});

describe('terminal state of charge', () => {
  it('keeps the required energy in the battery at the end, at the price of what it could have saved', async () => {
    const r = await solve(toyCase({ ...TOY_BATTERY, terminalSocKWh: 1 }), toyOptions);
    const battery = r.buildings[2]!.battery!;
    expect(battery.socKWh[1]!).toBeGreaterThanOrEqual(1 - 1e-9);
    // Only 0.176 of the 1.176 kWh stored may be used; the rest of period 2 comes from the grid.
    const expected = 0.974 + 1.06 + 3 * (1.675 - (0.176 + 0.144) * PSI);
    expect(relativeError(r.objective, expected)).toBeLessThan(1e-6);
  });

  it('says infeasible when the battery cannot reach the terminal state', async () => {
    const r = await solveSchedule(toyCase({ ...TOY_BATTERY, terminalSocKWh: 3 }), toyOptions, highsBackend);
    expect(r).toMatchObject({ ok: false, error: { kind: 'infeasible' } });
  });
});

describe('capacity tariff', () => {
  // One building, 4 days of hourly steps: 1 kWh each hour and an evening spike of 5, 6, 7, 8 kWh.
  const spikes = [5, 6, 7, 8];
  const demand = Array.from({ length: 96 }, (_, t) => (t % 24 === 18 ? spikes[Math.floor(t / 24)]! : 1));
  const base = (battery: boolean): ScheduleCase => ({
    stepHours: 1,
    steps: 96,
    blocks: [{ id: 'b', importPrice: new Array(96).fill(1), exportPrice: new Array(96).fill(0) }],
    buildings: [{
      id: 'home',
      blockId: 'b',
      demandKWh: demand,
      generationKWh: new Array(96).fill(0),
      ...(battery ? { battery: { capacityKWh: 4, chargePowerKW: 2, dischargePowerKW: 2, chargeEfficiency: 1, dischargeEfficiency: 1 } } : {}),
    }],
  });
  const energy = demand.reduce((s, x) => s + x, 0);
  const tariff = { pricePerKW: 10 };

  it('charges the mean of the three highest daily peaks', async () => {
    const r = await solve(base(false), { capacityTariff: tariff, compareAlone: false });
    expect(relativeError(r.objective, energy + 10 * (8 + 7 + 6) / 3)).toBeLessThan(1e-9);
  });

  it('shaves each evening spike by the battery power when the tariff makes it pay', async () => {
    const r = await solve(base(true), { capacityTariff: tariff, compareAlone: false });
    expect(relativeError(r.objective, energy + 10 * (6 + 5 + 4) / 3)).toBeLessThan(1e-9);
    const peaks = [0, 1, 2, 3].map((d) => Math.max(...r.buildings[0]!.importKWh.slice(24 * d, 24 * d + 24)));
    const top3 = [...peaks].sort((a, b) => b - a).slice(0, 3);
    expect(top3.reduce((s, x) => s + x, 0) / 3).toBeCloseTo(5, 9);
  });

  it('takes the mean of fewer peaks when the horizon has fewer days', async () => {
    const oneDay: ScheduleCase = { ...base(false), steps: 24, blocks: [{ id: 'b', importPrice: new Array(24).fill(1), exportPrice: new Array(24).fill(0) }] };
    const c = { ...oneDay, buildings: [{ ...oneDay.buildings[0]!, demandKWh: demand.slice(0, 24), generationKWh: new Array(24).fill(0) }] };
    const r = await solve(c, { capacityTariff: tariff, compareAlone: false });
    expect(relativeError(r.objective, 23 + 5 + 10 * 5)).toBeLessThan(1e-9);
  });
});

describe('negative prices', () => {
  it('curtails own generation and imports when the grid pays for consumption', async () => {
    const c: ScheduleCase = {
      stepHours: 1,
      steps: 1,
      blocks: [{ id: 'b', importPrice: [-1], exportPrice: [-2] }],
      buildings: [{ id: 'pv home', blockId: 'b', demandKWh: [1], generationKWh: [2] }],
    };
    const r = await solve(c, { compareAlone: false });
    expect(r.objective).toBeCloseTo(-1, 9);
    expect(r.buildings[0]!.curtailKWh[0]).toBeCloseTo(2, 9);
    expect(r.buildings[0]!.exportKWh[0]).toBeCloseTo(0, 9);
  });
});
