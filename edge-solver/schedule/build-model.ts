// The community LP of Lüth et al. (2018), extended to blocks joined by DSO lines. Every row is
// written as "supply − use = demand", so its dual is the marginal cost of one more kWh of
// demand there: a building's balance dual is its price at the meter, a pool's dual the block price.
import { LpModel } from '../lp/model.js';
import type { BatterySpec, ScheduleCase } from './case.js';
import type { ResolvedOptions } from './options.js';

/** Variable indices per step; -1 where the variable does not exist. */
export interface BatteryIndex {
  /** Charge from the building (Flexi User) or from the pool (Pool Hub). */
  charge: Int32Array;
  /** Charge straight from the grid: the Pool Hub's own connection; -1 elsewhere. */
  gridCharge: Int32Array;
  discharge: Int32Array;
  soc: Int32Array;
}

export interface BuildingIndex {
  import: Int32Array;
  export: Int32Array;
  curtail: Int32Array;
  sale: Int32Array;
  purchase: Int32Array;
  battery: BatteryIndex | undefined;
  balanceRow: Int32Array;
  /** Daily peak import (kW) variables, when a capacity tariff applies. */
  dailyPeak: Int32Array | undefined;
  /** Variables of the capacity-tariff term of this building (to split the cost per building). */
  tariffVariables: number[];
}

export interface BlockIndex {
  /** Row of the block's P2P pool per step (absent without P2P). */
  poolRow: Int32Array | undefined;
  hub: BatteryIndex | undefined;
}

export interface LineIndex {
  forward: Int32Array;
  backward: Int32Array;
}

export interface ScheduleModel {
  model: LpModel;
  scheduleCase: ScheduleCase;
  options: ResolvedOptions;
  buildings: BuildingIndex[];
  blocks: BlockIndex[];
  lines: LineIndex[];
}

const none = (steps: number): Int32Array => new Int32Array(steps).fill(-1);

export function buildScheduleModel(c: ScheduleCase, options: ResolvedOptions): ScheduleModel {
  const T = c.steps;
  const h = c.stepHours;
  const psi = 1 - options.lossShare;
  const model = new LpModel('min');
  const blockPos = new Map(c.blocks.map((b, k) => [b.id, k]));
  const blocks: BlockIndex[] = c.blocks.map(() => ({ poolRow: undefined, hub: undefined }));
  const buildings: BuildingIndex[] = [];

  for (const b of c.buildings) {
    const block = c.blocks[blockPos.get(b.blockId)!]!;
    const idx: BuildingIndex = {
      import: new Int32Array(T),
      export: none(T),
      curtail: none(T),
      sale: none(T),
      purchase: none(T),
      battery: undefined,
      balanceRow: new Int32Array(T),
      dailyPeak: undefined,
      tariffVariables: [],
    };
    // Without generation or storage a building has nothing to export or sell: no variable, less degeneracy.
    const stores = b.battery !== undefined && options.design === 'flexi-user';
    for (let t = 0; t < T; t++) {
      const gen = b.generationKWh[t]!;
      idx.import[t] = model.addVariable(`import ${b.id} ${t}`, { cost: block.importPrice[t]! });
      if (options.exportAllowed && (gen > 0 || stores)) idx.export[t] = model.addVariable(`export ${b.id} ${t}`, { cost: -block.exportPrice[t]! });
      // Curtailing only pays when export is barred or paid negatively; elsewhere it would tie with export.
      if (gen > 0 && (!options.exportAllowed || block.exportPrice[t]! < 0)) {
        idx.curtail[t] = model.addVariable(`curtail ${b.id} ${t}`, { upper: gen });
      }
    }
    if (b.battery && options.design === 'flexi-user') {
      const surplus = b.generationKWh.map((g, t) => Math.max(0, g - b.demandKWh[t]!));
      idx.battery = addBattery(model, `battery ${b.id}`, b.battery, T, h, options.chargingRule === 'own-surplus' ? surplus : undefined, undefined);
    }
    if (options.p2p) addTrade(model, b.id, b.generationKWh, idx, T);
    if (idx.battery && options.chargingRule === 'distributed-generation') {
      addFlowSplit(model, b.id, b.demandKWh, b.generationKWh, idx, T);
      buildings.push(idx);
      if (options.capacityTariff) addCapacityTariff(model, b.id, idx, T, h, options.capacityTariff);
      continue;
    }
    for (let t = 0; t < T; t++) {
      const terms: Array<[number, number]> = [[idx.import[t]!, 1]];
      if (idx.export[t]! >= 0) terms.push([idx.export[t]!, -1]);
      if (idx.curtail[t]! >= 0) terms.push([idx.curtail[t]!, -1]);
      if (idx.purchase[t]! >= 0) terms.push([idx.purchase[t]!, 1]);
      if (idx.sale[t]! >= 0) terms.push([idx.sale[t]!, -1]);
      if (idx.battery) terms.push([idx.battery.discharge[t]!, 1], [idx.battery.charge[t]!, -1]);
      const net = b.demandKWh[t]! - b.generationKWh[t]!;
      idx.balanceRow[t] = model.addRow(`balance ${b.id} ${t}`, terms, { lower: net, upper: net });
    }
    if (options.capacityTariff) addCapacityTariff(model, b.id, idx, T, h, options.capacityTariff);
    buildings.push(idx);
  }

  const lines: LineIndex[] = [];
  if (options.p2p) {
    for (const l of c.lines ?? []) {
      const li: LineIndex = { forward: new Int32Array(T), backward: new Int32Array(T) };
      for (let t = 0; t < T; t++) {
        li.forward[t] = model.addVariable(`line ${l.id} forward ${t}`, { upper: l.capacityKWh, cost: l.feePerKWh });
        li.backward[t] = model.addVariable(`line ${l.id} backward ${t}`, { upper: l.capacityKWh, cost: l.feePerKWh });
      }
      lines.push(li);
    }
    c.blocks.forEach((block, k) => {
      if (block.hubBattery && options.design === 'pool-hub') {
        // Without grid charging the hub may store only what the block's surpluses deliver to the pool.
        const surplus = new Array<number>(T).fill(0);
        c.buildings.forEach((b) => {
          if (b.blockId !== block.id) return;
          for (let t = 0; t < T; t++) surplus[t]! += psi * Math.max(0, b.generationKWh[t]! - b.demandKWh[t]!);
        });
        blocks[k]!.hub = options.gridCharging
          ? addBattery(model, `hub ${block.id}`, block.hubBattery, T, h, undefined, block.importPrice)
          : addBattery(model, `hub ${block.id}`, block.hubBattery, T, h, surplus, undefined);
      }
    });
    c.blocks.forEach((block, k) => {
      const rows = new Int32Array(T);
      const members = c.buildings.map((b, i) => (b.blockId === block.id ? i : -1)).filter((i) => i >= 0);
      for (let t = 0; t < T; t++) {
        const terms: Array<[number, number]> = [];
        for (const i of members) {
          if (buildings[i]!.sale[t]! >= 0) terms.push([buildings[i]!.sale[t]!, psi]);
          terms.push([buildings[i]!.purchase[t]!, -1]);
        }
        (c.lines ?? []).forEach((l, j) => {
          // Energy sent leaves in full and arrives less the line's losses.
          const arrives = 1 - (l.lossShare ?? 0);
          if (l.toBlockId === block.id) terms.push([lines[j]!.forward[t]!, arrives], [lines[j]!.backward[t]!, -1]);
          else if (l.fromBlockId === block.id) terms.push([lines[j]!.forward[t]!, -1], [lines[j]!.backward[t]!, arrives]);
        });
        const hub = blocks[k]!.hub;
        if (hub) terms.push([hub.discharge[t]!, 1], [hub.charge[t]!, -1]);
        rows[t] = model.addRow(`pool ${block.id} ${t}`, terms, { lower: 0, upper: 0 });
      }
      blocks[k]!.poolRow = rows;
    });
  }
  return { model, scheduleCase: c, options, buildings, blocks, lines };
}

/**
 * Lüth et al.'s "no grid charging": each flow is split by where it comes from and goes to, so a
 * kWh of generation is used once and the battery charges only from the building's own
 * generation or a neighbour's (a purchase), never from the grid:
 *   demand     = import + own use + discharge to demand + purchase for demand
 *   generation = own use + charge from generation + sale from generation + export from generation + curtail
 *   charge     = charge from generation + charge from purchase
 *   purchase   = purchase for demand + charge from purchase
 *   discharge  = discharge to demand + sale from battery + export from battery
 *   sale       = sale from generation + sale from battery;  export likewise
 * A cap on charge alone would not do: the grid could back-fill the demand that generation left
 * to charge a battery whose generation was also counted as sold. The demand row takes the
 * building-balance role (its dual is the price of one more kWh of demand); the others sum to it.
 */
function addFlowSplit(model: LpModel, id: string, demand: readonly number[], generation: readonly number[], idx: BuildingIndex, T: number): void {
  const battery = idx.battery!;
  for (let t = 0; t < T; t++) {
    const v = (name: string): number => model.addVariable(`${name} ${id} ${t}`);
    const ownUse = v('own use');
    const dischargeToDemand = v('discharge to demand');
    const chargeFromGeneration = v('charge from generation');
    const terms = (pairs: Array<[number, number]>): Array<[number, number]> => pairs.filter(([i]) => i >= 0);
    const hasPurchase = idx.purchase[t]! >= 0;
    const purchaseForDemand = hasPurchase ? v('purchase for demand') : -1;
    const chargeFromPurchase = hasPurchase ? v('charge from purchase') : -1;
    const hasSale = idx.sale[t]! >= 0;
    const saleFromGeneration = hasSale ? v('sale from generation') : -1;
    const saleFromBattery = hasSale ? v('sale from battery') : -1;
    const hasExport = idx.export[t]! >= 0;
    const exportFromGeneration = hasExport ? v('export from generation') : -1;
    const exportFromBattery = hasExport ? v('export from battery') : -1;
    idx.balanceRow[t] = model.addRow(
      `demand ${id} ${t}`,
      terms([
        [idx.import[t]!, 1],
        [ownUse, 1],
        [dischargeToDemand, 1],
        [purchaseForDemand, 1],
      ]),
      { lower: demand[t]!, upper: demand[t]! },
    );
    model.addRow(
      `generation ${id} ${t}`,
      terms([
        [ownUse, 1],
        [chargeFromGeneration, 1],
        [saleFromGeneration, 1],
        [exportFromGeneration, 1],
        [idx.curtail[t]!, 1],
      ]),
      { lower: generation[t]!, upper: generation[t]! },
    );
    model.addRow(`charge sources ${id} ${t}`, terms([[battery.charge[t]!, 1], [chargeFromGeneration, -1], [chargeFromPurchase, -1]]), { lower: 0, upper: 0 });
    model.addRow(`discharge uses ${id} ${t}`, terms([[battery.discharge[t]!, 1], [dischargeToDemand, -1], [saleFromBattery, -1], [exportFromBattery, -1]]), { lower: 0, upper: 0 });
    if (hasPurchase) model.addRow(`purchase uses ${id} ${t}`, [[idx.purchase[t]!, 1], [purchaseForDemand, -1], [chargeFromPurchase, -1]], { lower: 0, upper: 0 });
    if (hasSale) model.addRow(`sale sources ${id} ${t}`, [[idx.sale[t]!, 1], [saleFromGeneration, -1], [saleFromBattery, -1]], { lower: 0, upper: 0 });
    if (hasExport) model.addRow(`export sources ${id} ${t}`, [[idx.export[t]!, 1], [exportFromGeneration, -1], [exportFromBattery, -1]], { lower: 0, upper: 0 });
  }
}

/**
 * P2P sale and purchase. A building sells only what it generates (not curtailed) or discharges:
 * otherwise, at negative prices, importing to sell into the lossy pool would be an unbounded sink.
 */
function addTrade(model: LpModel, id: string, generation: readonly number[], idx: BuildingIndex, T: number): void {
  for (let t = 0; t < T; t++) {
    idx.purchase[t] = model.addVariable(`purchase ${id} ${t}`);
    if (idx.battery === undefined && generation[t]! === 0) continue;
    const needsRow = idx.battery !== undefined || idx.curtail[t]! >= 0;
    idx.sale[t] = model.addVariable(`sale ${id} ${t}`, needsRow ? {} : { upper: generation[t]! });
    if (!needsRow) continue;
    const terms: Array<[number, number]> = [[idx.sale[t]!, 1]];
    if (idx.curtail[t]! >= 0) terms.push([idx.curtail[t]!, 1]);
    if (idx.battery) terms.push([idx.battery.discharge[t]!, -1]);
    model.addRow(`sale source ${id} ${t}`, terms, { upper: generation[t]! });
  }
}

/**
 * soc[t] = soc[t−1] + ηc·charge[t] − discharge[t]/ηd. `chargeCap` further limits charging per
 * step; `gridPrice` adds a direct grid charge sharing the charge power (the Pool Hub's connection).
 */
function addBattery(
  model: LpModel,
  name: string,
  spec: BatterySpec,
  T: number,
  h: number,
  chargeCap: readonly number[] | undefined,
  gridPrice: readonly number[] | undefined,
): BatteryIndex {
  const idx: BatteryIndex = { charge: new Int32Array(T), gridCharge: none(T), discharge: new Int32Array(T), soc: new Int32Array(T) };
  const terminal = spec.terminalSocKWh ?? 0;
  const chargePower = spec.chargePowerKW * h;
  for (let t = 0; t < T; t++) {
    idx.charge[t] = model.addVariable(`${name} charge ${t}`, { upper: Math.min(chargePower, chargeCap ? chargeCap[t]! : Infinity) });
    if (gridPrice) idx.gridCharge[t] = model.addVariable(`${name} grid charge ${t}`, { upper: chargePower, cost: gridPrice[t]! });
    idx.discharge[t] = model.addVariable(`${name} discharge ${t}`, { upper: spec.dischargePowerKW * h });
    idx.soc[t] = model.addVariable(`${name} soc ${t}`, { lower: t === T - 1 ? terminal : 0, upper: spec.capacityKWh });
  }
  for (let t = 0; t < T; t++) {
    const terms: Array<[number, number]> = [
      [idx.soc[t]!, 1],
      [idx.charge[t]!, -spec.chargeEfficiency],
      [idx.discharge[t]!, 1 / spec.dischargeEfficiency],
    ];
    if (gridPrice) terms.push([idx.gridCharge[t]!, -spec.chargeEfficiency]);
    if (t > 0) terms.push([idx.soc[t - 1]!, -1]);
    const rhs = t === 0 ? (spec.initialSocKWh ?? 0) : 0;
    model.addRow(`${name} state ${t}`, terms, { lower: rhs, upper: rhs });
    if (gridPrice) model.addRow(`${name} charge power ${t}`, [[idx.charge[t]!, 1], [idx.gridCharge[t]!, 1]], { upper: chargePower });
  }
  return idx;
}

/**
 * price × mean of the k highest daily peaks. The sum of the k largest of P_d is the LP
 * min k·z + Σ_d u_d with u_d ≥ P_d − z, u_d ≥ 0 (Ogryczak and Tamir 2003).
 */
function addCapacityTariff(model: LpModel, id: string, idx: BuildingIndex, T: number, h: number, tariff: { pricePerKW: number; peaks: number }): void {
  const stepsPerDay = Math.round(24 / h);
  if (Math.abs(stepsPerDay * h - 24) > 1e-9) throw new Error(`capacity tariff: a day is not a whole number of ${h} h steps`);
  const days = Math.ceil(T / stepsPerDay);
  const k = Math.min(tariff.peaks, days);
  const peak = new Int32Array(days);
  const z = model.addVariable(`tariff ${id} threshold`, { cost: tariff.pricePerKW });
  idx.tariffVariables.push(z);
  for (let d = 0; d < days; d++) {
    peak[d] = model.addVariable(`tariff ${id} peak ${d}`);
    const u = model.addVariable(`tariff ${id} excess ${d}`, { cost: tariff.pricePerKW / k });
    idx.tariffVariables.push(u);
    model.addRow(`tariff ${id} top ${d}`, [[peak[d]!, 1], [z, -1], [u, -1]], { upper: 0 });
  }
  for (let t = 0; t < T; t++) {
    const d = Math.floor(t / stepsPerDay);
    model.addRow(`tariff ${id} peak ${d} step ${t}`, [[idx.import[t]!, 1 / h], [peak[d]!, -1]], { upper: 0 });
  }
  idx.dailyPeak = peak;
}
