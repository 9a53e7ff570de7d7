// Cases shared by the schedule tests: the toy of Lüth et al. (2018), the three-block line and
// the PCDG 25-house day read from the fixture.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCaseCsv, type BatterySpec, type ScheduleCase } from '../../../edge-solver/schedule/index.js';

export const TOY_BATTERY: BatterySpec = { capacityKWh: 4, chargePowerKW: 1.2, dischargePowerKW: 1.2, chargeEfficiency: 0.98, dischargeEfficiency: 1 };

/** 3 houses, 2 one-hour periods, grid prices 1 and 3; optionally a battery at house 3. */
export function toyCase(battery: BatterySpec | undefined): ScheduleCase {
  const renewables = [[0.409, 0, 0.333], [0.447, 0, 0.328]];
  const demand = [[0.844, 0.539, 0.193], [1.643, 0.479, 0.184]];
  return {
    stepHours: 1,
    steps: 2,
    blocks: [{ id: 'toy', importPrice: [1, 3], exportPrice: [0, 0] }],
    buildings: [0, 1, 2].map((i) => ({
      id: `house ${i + 1}`,
      blockId: 'toy',
      demandKWh: demand.map((row) => row[i]!),
      generationKWh: renewables.map((row) => row[i]!),
      ...(battery && i === 2 ? { battery } : {}),
    })),
  };
}

/** Blocks A, B, C on a line A—B—C, one step, each block one aggregated building. */
export function lineCase(capacityKWh: number): ScheduleCase {
  const net: Array<[string, number]> = [['A', -80], ['B', 50], ['C', 70]];
  return {
    stepHours: 1,
    steps: 1,
    blocks: net.map(([id]) => ({ id, importPrice: [1.0], exportPrice: [0.475] })),
    buildings: net.map(([id, n]) => ({ id, blockId: id, demandKWh: [Math.max(0, n)], generationKWh: [Math.max(0, -n)] })),
    lines: [
      { id: 'A-B', fromBlockId: 'A', toBlockId: 'B', capacityKWh, feePerKWh: 0.1 },
      { id: 'B-C', fromBlockId: 'B', toBlockId: 'C', capacityKWh, feePerKWh: 0.1 },
    ],
  };
}

export const PCDG_BATTERY: BatterySpec = { capacityKWh: 4, chargePowerKW: 2.5, dischargePowerKW: 2.5, chargeEfficiency: 0.9408, dischargeEfficiency: 0.9408 };

export function pcdgCase(batteryHouses: readonly string[] = []): ScheduleCase {
  const path = fileURLToPath(new URL('../../fixtures/market-cases/pcdg-25-houses-day.csv', import.meta.url));
  const parsed = parseCaseCsv(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.detail}`);
  const c = parsed.value;
  return { ...c, buildings: c.buildings.map((b) => (batteryHouses.includes(b.id) ? { ...b, battery: PCDG_BATTERY } : b)) };
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected));
}
