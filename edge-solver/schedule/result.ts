// Reading a solved schedule model back into per-building schedules, block prices and line flows.
import type { LpSolution } from '../lp/model.js';
import type { BatteryIndex, ScheduleModel } from './build-model.js';

export interface BatterySchedule {
  /** All energy charged, kWh per step (for a hub: from the pool and from the grid). */
  chargeKWh: number[];
  /** Of which straight from the grid (the Pool Hub's own connection); zeros elsewhere. */
  gridChargeKWh: number[];
  dischargeKWh: number[];
  socKWh: number[];
}

export interface BuildingSchedule {
  id: string;
  blockId: string;
  importKWh: number[];
  exportKWh: number[];
  curtailKWh: number[];
  saleKWh: number[];
  purchaseKWh: number[];
  battery: BatterySchedule | null;
  /** Dual of the building's balance row per step: its marginal price; null without duals. */
  marginalPrice: number[] | null;
  /** Grid cost (import − feed-in + capacity term) plus P2P at the block price; null without duals. */
  costInCommunity: number | null;
  /** Cost when the building runs alone (no P2P, its own battery); null when not compared. */
  costAlone: number | null;
}

export interface BlockSchedule {
  id: string;
  /** Dual of the block's pool row per step (the block's P2P price); null without P2P or duals. */
  price: number[] | null;
  hub: BatterySchedule | null;
}

export interface LineSchedule {
  id: string;
  /** Net flow per step from `fromBlockId` to `toBlockId`, kWh, as sent (before line losses). */
  flowKWh: number[];
  feeCost: number;
}

// Solvers leave ±1e-12 dust; people reading the JSON should see 0.
export const clean = (x: number): number => (Math.abs(x) < 1e-9 ? 0 : x);

function series(values: Float64Array, idx: Int32Array): number[] {
  return Array.from(idx, (j) => (j < 0 ? 0 : clean(values[j]!)));
}

function battery(values: Float64Array, b: BatteryIndex | undefined): BatterySchedule | null {
  if (!b) return null;
  const gridChargeKWh = series(values, b.gridCharge);
  const chargeKWh = series(values, b.charge).map((x, t) => x + gridChargeKWh[t]!);
  return { chargeKWh, gridChargeKWh, dischargeKWh: series(values, b.discharge), socKWh: series(values, b.soc) };
}

/** Grid-side cost of one building: import − feed-in + its capacity-tariff term. */
export function gridCostOf(sm: ScheduleModel, i: number, values: Float64Array): number {
  const idx = sm.buildings[i]!;
  const vars = sm.model.variables;
  let cost = 0;
  for (let t = 0; t < sm.scheduleCase.steps; t++) {
    for (const j of [idx.import[t]!, idx.export[t]!]) if (j >= 0) cost += vars[j]!.cost * values[j]!;
  }
  for (const j of idx.tariffVariables) cost += vars[j]!.cost * values[j]!;
  return cost;
}

export function readSchedules(sm: ScheduleModel, sol: LpSolution): { buildings: BuildingSchedule[]; blocks: BlockSchedule[]; lines: LineSchedule[] } {
  const c = sm.scheduleCase;
  const psi = 1 - sm.options.lossShare;
  const v = sol.values;
  const duals = sol.duals;
  const blockPos = new Map(c.blocks.map((b, k) => [b.id, k]));
  const blocks: BlockSchedule[] = c.blocks.map((b, k) => {
    const pool = sm.blocks[k]!.poolRow;
    return {
      id: b.id,
      price: pool && duals ? Array.from(pool, (r) => clean(duals[r]!)) : null,
      hub: battery(v, sm.blocks[k]!.hub),
    };
  });
  const buildings = c.buildings.map((b, i): BuildingSchedule => {
    const idx = sm.buildings[i]!;
    const sale = series(v, idx.sale);
    const purchase = series(v, idx.purchase);
    const price = blocks[blockPos.get(b.blockId)!]!.price;
    let costInCommunity: number | null = null;
    if (!sm.options.p2p) costInCommunity = gridCostOf(sm, i, v);
    else if (price) {
      costInCommunity = gridCostOf(sm, i, v);
      for (let t = 0; t < c.steps; t++) costInCommunity += price[t]! * (purchase[t]! - psi * sale[t]!);
    }
    return {
      id: b.id,
      blockId: b.blockId,
      importKWh: series(v, idx.import),
      exportKWh: series(v, idx.export),
      curtailKWh: series(v, idx.curtail),
      saleKWh: sale,
      purchaseKWh: purchase,
      battery: battery(v, idx.battery),
      marginalPrice: duals ? Array.from(idx.balanceRow, (r) => clean(duals[r]!)) : null,
      costInCommunity: costInCommunity === null ? null : clean(costInCommunity),
      costAlone: null,
    };
  });
  const lines = (sm.options.p2p ? c.lines ?? [] : []).map((l, j): LineSchedule => {
    const li = sm.lines[j]!;
    const flowKWh = Array.from(li.forward, (f, t) => clean(v[f]! - v[li.backward[t]!]!));
    let carried = 0;
    for (let t = 0; t < c.steps; t++) carried += v[li.forward[t]!]! + v[li.backward[t]!]!;
    return { id: l.id, flowKWh, feeCost: clean(carried * l.feePerKWh) };
  });
  return { buildings, blocks, lines };
}
