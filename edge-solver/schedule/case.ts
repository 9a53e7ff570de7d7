// The input of the day-ahead schedule: buildings with forecast demand and generation per step,
// grouped into blocks that share a grid tariff, joined by DSO lines. Energies are kWh per step;
// prices are currency units per kWh (the case decides the currency: pence, øre, cents).

export interface BatterySpec {
  capacityKWh: number;
  chargePowerKW: number;
  dischargePowerKW: number;
  /** Share of the energy charged that reaches the store. */
  chargeEfficiency: number;
  /** Share of the energy taken from the store that is delivered. */
  dischargeEfficiency: number;
  /** State of charge before the first step; default 0 (empty). */
  initialSocKWh?: number;
  /** Lower bound on the state of charge after the last step; default 0 (free). */
  terminalSocKWh?: number;
}

export interface ScheduleBuilding {
  id: string;
  blockId: string;
  /** Forecast demand per step, kWh. */
  demandKWh: readonly number[];
  /** Forecast renewable generation per step (PV + wind), kWh. */
  generationKWh: readonly number[];
  /** A private battery ("Flexi User" design). */
  battery?: BatterySpec;
}

export interface ScheduleBlock {
  id: string;
  /** Grid import price per step (retail plus grid tariff), per kWh. */
  importPrice: readonly number[];
  /** Feed-in price per step, per kWh; never above the import price of the same step. */
  exportPrice: readonly number[];
  /** A shared battery on the block's pool ("Pool Hub" design). */
  hubBattery?: BatterySpec;
}

/** A DSO line between two blocks, usable in both directions. */
export interface ScheduleLine {
  id: string;
  fromBlockId: string;
  toBlockId: string;
  /** Energy per step the line carries in either direction; Infinity when unconstrained. */
  capacityKWh: number;
  /** DSO fee per kWh sent. */
  feePerKWh: number;
  /** Share of the energy sent that does not arrive; default 0. */
  lossShare?: number;
}

export interface ScheduleCase {
  /** Length of one step in hours (0.5 for half-hour steps, 0.25 for the 15-minute market). */
  stepHours: number;
  steps: number;
  blocks: readonly ScheduleBlock[];
  buildings: readonly ScheduleBuilding[];
  lines?: readonly ScheduleLine[];
}

/** Broken invariants of a case built in code are programming errors: this throws with the path. */
export function assertValidCase(c: ScheduleCase): void {
  const bad = (path: string, why: string): never => {
    throw new Error(`ScheduleCase.${path}: ${why}`);
  };
  if (!(c.stepHours > 0)) bad('stepHours', 'must be > 0');
  if (!Number.isInteger(c.steps) || c.steps < 1) bad('steps', 'must be a positive integer');
  const blockIds = new Set<string>();
  c.blocks.forEach((b, k) => {
    if (blockIds.has(b.id)) bad(`blocks[${k}].id`, `duplicate ${b.id}`);
    blockIds.add(b.id);
    checkSeries(b.importPrice, c.steps, `blocks[${k}].importPrice`, bad, false);
    checkSeries(b.exportPrice, c.steps, `blocks[${k}].exportPrice`, bad, false);
    for (let t = 0; t < c.steps; t++) {
      // Otherwise importing to export is an unbounded arbitrage.
      if (b.exportPrice[t]! > b.importPrice[t]!) bad(`blocks[${k}].exportPrice[${t}]`, 'above the import price');
    }
    if (b.hubBattery) checkBattery(b.hubBattery, `blocks[${k}].hubBattery`, bad);
  });
  const ids = new Set<string>();
  c.buildings.forEach((b, i) => {
    if (ids.has(b.id)) bad(`buildings[${i}].id`, `duplicate ${b.id}`);
    ids.add(b.id);
    if (!blockIds.has(b.blockId)) bad(`buildings[${i}].blockId`, `no block ${b.blockId}`);
    checkSeries(b.demandKWh, c.steps, `buildings[${i}].demandKWh`, bad, true);
    checkSeries(b.generationKWh, c.steps, `buildings[${i}].generationKWh`, bad, true);
    if (b.battery) checkBattery(b.battery, `buildings[${i}].battery`, bad);
  });
  (c.lines ?? []).forEach((l, i) => {
    if (!blockIds.has(l.fromBlockId)) bad(`lines[${i}].fromBlockId`, `no block ${l.fromBlockId}`);
    if (!blockIds.has(l.toBlockId)) bad(`lines[${i}].toBlockId`, `no block ${l.toBlockId}`);
    if (l.fromBlockId === l.toBlockId) bad(`lines[${i}]`, 'joins a block to itself');
    if (!(l.capacityKWh >= 0)) bad(`lines[${i}].capacityKWh`, 'must be ≥ 0');
    if (!(l.feePerKWh >= 0) || !Number.isFinite(l.feePerKWh)) bad(`lines[${i}].feePerKWh`, 'must be finite and ≥ 0');
    const loss = l.lossShare ?? 0;
    if (!(loss >= 0 && loss < 1)) bad(`lines[${i}].lossShare`, 'must be in [0, 1)');
  });
}

function checkSeries(xs: readonly number[], steps: number, path: string, bad: (p: string, w: string) => never, nonNegative: boolean): void {
  if (xs.length !== steps) bad(path, `has ${xs.length} values, expected ${steps}`);
  xs.forEach((x, t) => {
    if (!Number.isFinite(x)) bad(`${path}[${t}]`, 'not a finite number');
    if (nonNegative && x < 0) bad(`${path}[${t}]`, 'negative');
  });
}

function checkBattery(b: BatterySpec, path: string, bad: (p: string, w: string) => never): void {
  if (!(b.capacityKWh >= 0 && Number.isFinite(b.capacityKWh))) bad(`${path}.capacityKWh`, 'must be finite and ≥ 0');
  if (!(b.chargePowerKW >= 0)) bad(`${path}.chargePowerKW`, 'must be ≥ 0');
  if (!(b.dischargePowerKW >= 0)) bad(`${path}.dischargePowerKW`, 'must be ≥ 0');
  if (!(b.chargeEfficiency > 0 && b.chargeEfficiency <= 1)) bad(`${path}.chargeEfficiency`, 'must be in (0, 1]');
  if (!(b.dischargeEfficiency > 0 && b.dischargeEfficiency <= 1)) bad(`${path}.dischargeEfficiency`, 'must be in (0, 1]');
  const initial = b.initialSocKWh ?? 0;
  if (!(initial >= 0 && initial <= b.capacityKWh)) bad(`${path}.initialSocKWh`, 'outside [0, capacity]');
  const terminal = b.terminalSocKWh ?? 0;
  if (!(terminal >= 0 && terminal <= b.capacityKWh)) bad(`${path}.terminalSocKWh`, 'outside [0, capacity]');
}
