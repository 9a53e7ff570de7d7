// Community KPIs of a solved schedule. Definitions (docs/schedule.md):
// self-sufficiency = 1 − grid import / demand (floored at 0: a grid-charged battery can import
// more than the demand); self-consumption = share of generation used in the community (not
// exported, not curtailed); peak import = highest community import power of any step.
import type { ScheduleCase } from './case.js';
import type { BlockSchedule, BuildingSchedule, LineSchedule } from './result.js';

export interface ScheduleKpis {
  costTotal: number;
  demandKWh: number;
  generationKWh: number;
  importKWh: number;
  exportKWh: number;
  curtailedKWh: number;
  p2pPurchasedKWh: number;
  p2pLossKWh: number;
  lineFeeCost: number;
  selfSufficiency: number;
  selfConsumption: number | null;
  curtailmentShare: number | null;
  peakImportKW: number;
  /** Σ of each building's cost alone; null when not compared. */
  costAlone: number | null;
  /** costAlone − costTotal; null when not compared. */
  savingsVsAlone: number | null;
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

export function computeKpis(
  c: ScheduleCase,
  costTotal: number,
  buildings: readonly BuildingSchedule[],
  blocks: readonly BlockSchedule[],
  lines: readonly LineSchedule[],
  lossShare: number,
  costAlone: number | null,
): ScheduleKpis {
  const demandKWh = sum(c.buildings.map((b) => sum(b.demandKWh)));
  const generationKWh = sum(c.buildings.map((b) => sum(b.generationKWh)));
  // A Pool Hub's own grid connection counts as community import.
  const hubImport = (t: number): number => sum(blocks.map((k) => k.hub?.gridChargeKWh[t] ?? 0));
  const importKWh = sum(buildings.map((b) => sum(b.importKWh))) + sum(Array.from({ length: c.steps }, (_, t) => hubImport(t)));
  const exportKWh = sum(buildings.map((b) => sum(b.exportKWh)));
  const curtailedKWh = sum(buildings.map((b) => sum(b.curtailKWh)));
  const p2pPurchasedKWh = sum(buildings.map((b) => sum(b.purchaseKWh)));
  const p2pSoldKWh = sum(buildings.map((b) => sum(b.saleKWh)));
  let peakImportKW = 0;
  for (let t = 0; t < c.steps; t++) {
    peakImportKW = Math.max(peakImportKW, (sum(buildings.map((b) => b.importKWh[t]!)) + hubImport(t)) / c.stepHours);
  }
  return {
    costTotal,
    demandKWh,
    generationKWh,
    importKWh,
    exportKWh,
    curtailedKWh,
    p2pPurchasedKWh,
    p2pLossKWh: p2pSoldKWh * lossShare,
    lineFeeCost: sum(lines.map((l) => l.feeCost)),
    selfSufficiency: demandKWh > 0 ? Math.max(0, 1 - importKWh / demandKWh) : 1,
    selfConsumption: generationKWh > 0 ? (generationKWh - exportKWh - curtailedKWh) / generationKWh : null,
    curtailmentShare: generationKWh > 0 ? curtailedKWh / generationKWh : null,
    peakImportKW,
    costAlone,
    savingsVsAlone: costAlone === null ? null : costAlone - costTotal,
  };
}
