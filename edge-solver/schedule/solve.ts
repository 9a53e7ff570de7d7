// solveSchedule: validate, build, solve on the given backend, read back schedules and KPIs, and
// (unless told not to) solve every building alone to report what the community saves.
import { fail, ok, type Result } from '../../core/result.js';
import type { LpBackend } from '../lp/model.js';
import { buildScheduleModel } from './build-model.js';
import { assertValidCase, type ScheduleCase } from './case.js';
import { computeKpis, type ScheduleKpis } from './kpis.js';
import { resolveOptions, type ResolvedOptions, type ScheduleOptions } from './options.js';
import { gridCostOf, readSchedules, clean, type BlockSchedule, type BuildingSchedule, type LineSchedule } from './result.js';

export type ScheduleErrorKind = 'infeasible' | 'unbounded' | 'solver-error';

export interface ScheduleResult {
  backend: string;
  /** Total cost of the community: imports − feed-in + line fees + capacity terms. */
  objective: number;
  options: ResolvedOptions;
  buildings: BuildingSchedule[];
  blocks: BlockSchedule[];
  lines: LineSchedule[];
  kpis: ScheduleKpis;
  model: { variables: number; rows: number };
}

export async function solveSchedule(
  scheduleCase: ScheduleCase,
  options: ScheduleOptions,
  backend: LpBackend,
): Promise<Result<ScheduleResult, ScheduleErrorKind>> {
  assertValidCase(scheduleCase);
  const resolved = resolveOptions(options);
  const sm = buildScheduleModel(scheduleCase, resolved);
  const sol = await backend.solve(sm.model);
  if (sol.status !== 'optimal') return statusFailure(sol.status, sol.detail);
  const { buildings, blocks, lines } = readSchedules(sm, sol);

  let costAlone: number | null = null;
  if (resolved.compareAlone) {
    // Alone: no P2P, no lines, no shared hub; a building keeps its private battery.
    const aloneOptions: ResolvedOptions = { ...resolved, p2p: false, design: 'flexi-user', compareAlone: false };
    const alone = buildScheduleModel(scheduleCase, aloneOptions);
    const aloneSol = await backend.solve(alone.model);
    if (aloneSol.status !== 'optimal') return statusFailure(aloneSol.status, `solving the buildings alone: ${aloneSol.detail ?? ''}`);
    costAlone = 0;
    buildings.forEach((b, i) => {
      b.costAlone = clean(gridCostOf(alone, i, aloneSol.values));
      costAlone! += b.costAlone;
    });
  }
  const objective = clean(sol.objective);
  return ok({
    backend: sol.backend,
    objective,
    options: resolved,
    buildings,
    blocks,
    lines,
    kpis: computeKpis(scheduleCase, objective, buildings, blocks, lines, resolved.lossShare, costAlone),
    model: { variables: sm.model.variables.length, rows: sm.model.rows.length },
  });
}

function statusFailure(status: string, detail: string | undefined): { ok: false; error: { kind: ScheduleErrorKind; detail: string } } {
  const kind: ScheduleErrorKind = status === 'infeasible' ? 'infeasible' : status === 'unbounded' ? 'unbounded' : 'solver-error';
  return fail(kind, detail ?? status);
}
