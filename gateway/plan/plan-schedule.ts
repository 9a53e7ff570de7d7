// The day-ahead plan from a set of forecasts: the community schedule of edge-solver/schedule
// (Flexi User: private batteries, P2P in each block, blocks joined by the roster's DSO lines) at
// the interval's grid prices, read back as integer Wh per interval so that every gateway, on the
// same backend, hashes the same bytes. A building alone gets the same model without P2P.
import { hashOf } from '../../core/hash.js';
import { BACKENDS, type BackendName } from '../../edge-solver/lp/index.js';
import { tieBreakModel } from '../../edge-solver/lp/tie-break.js';
import { assertValidCase, buildScheduleModel, resolveOptions, type BatterySpec, type BuildingSchedule, type ScheduleCase, type ScheduleOptions } from '../../edge-solver/schedule/index.js';
import { readSchedules } from '../../edge-solver/schedule/result.js';
import { blockPricesFor, type PriceList } from '../market/prices.js';
import { intervalMsOf, type Roster, type RosterMember } from '../market/roster.js';
import type { PlanBattery, PlanForecastPayload } from './plan-messages.js';

export interface PlannedBuilding {
  gatewayId: string;
  buildingId: string;
  block: string;
  importWh: number[];
  exportWh: number[];
  purchaseWh: number[];
  saleWh: number[];
  /** Battery energy per interval, Wh, > 0 discharging (control's sign); null without a battery. */
  batteryWh: number[] | null;
  /** State of charge at the end of each interval, Wh (the window's floor included). */
  socWh: number[] | null;
}

export interface DayAheadPlan {
  marketId: string;
  planStart: string;
  intervalMinutes: number;
  steps: number;
  rosterVersion: number;
  mode: 'community' | 'alone';
  /** The snapshot the community plan was solved from; null for a building alone. */
  snapshotHash: string | null;
  buildings: PlannedBuilding[];
  lines: Array<{ id: string; flowWh: number[] }>;
}

export interface SolvedPlan {
  planHash: string;
  /** null when the inputs cannot be planned (every honest gateway agrees on that, and why). */
  plan: DayAheadPlan | null;
  failure?: string;
}

export interface PlanInputs {
  roster: Roster;
  planStartMs: number;
  steps: number;
  /** One per member, sorted by gateway id. */
  forecasts: ReadonlyArray<{ forecast: PlanForecastPayload; member: RosterMember }>;
  prices: PriceList | null;
  snapshotHash: string | null;
}

/** The roster's choices for the plan: Lüth's charging rule (no grid charging) and no P2P loss unless it says otherwise. */
export function planOptions(roster: Roster, p2p: boolean): ScheduleOptions {
  const d = roster.parameters.dayAhead;
  return { p2p, design: 'flexi-user', gridCharging: d?.gridCharging ?? false, lossShare: d?.lossShare ?? 0, compareAlone: false };
}

/** The backend every gateway solves the plan with: the roster's, HiGHS for 'auto'. */
export function planBackend(roster: Roster): BackendName {
  const p = roster.parameters;
  return p.dayAhead?.solverBackend ?? (p.solverBackend === 'auto' ? 'highs' : p.solverBackend);
}

// Solvers leave dust of 1e-9 Wh; rounding to whole Wh and folding −0 keeps the bytes stable.
const whOf = (kWh: number): number => Math.round(kWh * 1000) + 0;
const series = (xs: readonly number[]): number[] => xs.map(whOf);

function batterySpec(b: PlanBattery): BatterySpec {
  const window = b.maxSocWh - b.minSocWh;
  const initial = Math.min(window, Math.max(0, b.socWh - b.minSocWh));
  return {
    capacityKWh: window / 1000,
    chargePowerKW: b.maxChargeW / 1000,
    dischargePowerKW: b.maxDischargeW / 1000,
    chargeEfficiency: b.chargeEfficiency,
    dischargeEfficiency: b.dischargeEfficiency,
    initialSocKWh: initial / 1000,
    // The day ends where it began, so a plan never spends tomorrow's reserve.
    terminalSocKWh: initial / 1000,
  };
}

export function planCase(inputs: PlanInputs, blocks: readonly string[], withLines: boolean): ScheduleCase {
  const { roster, planStartMs, steps } = inputs;
  const intervalMs = intervalMsOf(roster);
  const stepHours = intervalMs / 3_600_000;
  const importPrice = new Map(blocks.map((b) => [b, [] as number[]]));
  const exportPrice = new Map(blocks.map((b) => [b, [] as number[]]));
  for (let t = 0; t < steps; t++) {
    const { prices } = blockPricesFor(roster, new Date(planStartMs + t * intervalMs).toISOString(), inputs.prices);
    for (const p of prices) {
      importPrice.get(p.block)?.push(p.gridImportPriceMinorPerKWh + p.gridTariffMinorPerKWh);
      exportPrice.get(p.block)?.push(p.gridExportPriceMinorPerKWh);
    }
  }
  return {
    stepHours,
    steps,
    blocks: blocks.map((id) => ({ id, importPrice: importPrice.get(id)!, exportPrice: exportPrice.get(id)! })),
    buildings: inputs.forecasts.map(({ forecast: f, member }) => ({
      id: f.gatewayId,
      blockId: member.block,
      demandKWh: f.consumptionWh.map((x) => x / 1000),
      generationKWh: f.pvWh.map((x) => x / 1000),
      ...(f.battery ? { battery: batterySpec(f.battery) } : {}),
    })),
    lines: withLines ? roster.lines.map((l) => ({ id: l.id, fromBlockId: l.from, toBlockId: l.to, capacityKWh: l.capacityWh / 1000, feePerKWh: l.feeMinorPerKWh, lossShare: l.lossFraction })) : [],
  };
}

function planned(b: BuildingSchedule, f: PlanForecastPayload, member: RosterMember): PlannedBuilding {
  const bat = b.battery;
  const floor = f.battery?.minSocWh ?? 0;
  return {
    gatewayId: f.gatewayId,
    buildingId: member.buildingId,
    block: member.block,
    importWh: series(b.importKWh),
    exportWh: series(b.exportKWh),
    purchaseWh: series(b.purchaseKWh),
    saleWh: series(b.saleKWh),
    batteryWh: bat ? bat.dischargeKWh.map((d, t) => whOf(d - bat.chargeKWh[t]!)) : null,
    socWh: bat ? bat.socKWh.map((s) => whOf(s) + floor) : null,
  };
}

/** Solves the plan of `inputs` as a community or for a building alone, in this thread. */
export async function solvePlan(inputs: PlanInputs, mode: DayAheadPlan['mode']): Promise<SolvedPlan> {
  const { roster } = inputs;
  const community = mode === 'community';
  const blocks = community ? roster.blocks.map((b) => b.id) : [...new Set(inputs.forecasts.map((f) => f.member.block))];
  const scheduleCase = planCase(inputs, blocks, community);
  assertValidCase(scheduleCase);
  const sm = buildScheduleModel(scheduleCase, resolveOptions(planOptions(roster, community)));
  const backend = BACKENDS[planBackend(roster)];
  const unplannable = (kind: string, detail: string | undefined): SolvedPlan => ({ planHash: hashOf({ snapshotHash: inputs.snapshotHash, failure: kind }), plan: null, failure: `${kind}: ${detail ?? ''}` });
  const first = await backend.solve(sm.model);
  if (first.status !== 'optimal') return unplannable(first.status, first.detail);
  // Second pass over the optimal face: one vertex whatever the backend, so every gateway hashes the same plan.
  const second = await backend.solve(tieBreakModel(sm.model, first.objective));
  if (second.status !== 'optimal') return unplannable(`tie-break-${second.status}`, second.detail);
  const r = readSchedules(sm, second);
  const plan: DayAheadPlan = {
    marketId: roster.marketId,
    planStart: new Date(inputs.planStartMs).toISOString(),
    intervalMinutes: roster.parameters.intervalMinutes,
    steps: inputs.steps,
    rosterVersion: roster.version,
    mode,
    snapshotHash: inputs.snapshotHash,
    buildings: r.buildings.map((b, i) => planned(b, inputs.forecasts[i]!.forecast, inputs.forecasts[i]!.member)),
    lines: r.lines.map((l) => ({ id: l.id, flowWh: series(l.flowKWh) })),
  };
  return { planHash: hashOf(plan), plan };
}

/** How a plan gets solved: in this thread (solvePlan) or off it (plan-solver.ts); same bytes either way. */
export type PlanSolve = (inputs: PlanInputs, mode: DayAheadPlan['mode']) => Promise<SolvedPlan>;

/** The community plan of a verified snapshot's forecasts: what every gateway votes on. */
export function solveCommunityPlan(inputs: PlanInputs, solve: PlanSolve = solvePlan): Promise<SolvedPlan> {
  return solve(inputs, 'community');
}

/** One building alone on the grid with its own battery: the fallback without a final plan. */
export function solveAlonePlan(inputs: Omit<PlanInputs, 'snapshotHash'>, solve: PlanSolve = solvePlan): Promise<SolvedPlan> {
  return solve({ ...inputs, snapshotHash: null }, 'alone');
}
