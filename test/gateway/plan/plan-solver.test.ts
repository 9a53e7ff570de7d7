// Day-ahead solves in a worker thread: the same plan bytes as in the main thread, the event loop
// free meanwhile, and the main thread as the fallback when the worker cannot run.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { solvePlan, type PlanInputs } from '../../../gateway/plan/plan-schedule.js';
import { WorkerPlanSolver } from '../../../gateway/plan/plan-solver.js';
import { planCoordinatorFor, verifyPlanSnapshot } from '../../../gateway/plan/plan-snapshot.js';
import { signPlanSnapshot } from '../../../gateway/plan/plan-messages.js';
import { district } from '../market/market-fixtures.js';
import { forecastPayload, signedForecast } from './plan-fixtures.js';

const P = Date.UTC(2026, 5, 1, 22, 0);
const STEPS = 96;

function inputs(): PlanInputs {
  const d = district({ blocks: 3, buildings: 2, parameters: { dayAhead: { solverBackend: 'highs' } } });
  const forecasts = d.gatewayIds.map((g) => signedForecast(d.identities.get(g)!, forecastPayload(d.roster.marketId, g, P, STEPS, P - 36_000_000)));
  const c = planCoordinatorFor(d.roster, P, 0)!;
  const env = signPlanSnapshot({ marketId: d.roster.marketId, planStart: new Date(P).toISOString(), steps: STEPS, rosterVersion: d.roster.version, attempt: 0, coordinator: c.gatewayId, forecasts, prices: null }, d.identities.get(c.gatewayId)!.seed);
  const v = verifyPlanSnapshot(env, d.roster);
  if (!v.ok) throw new Error(v.error.detail);
  return { roster: d.roster, planStartMs: P, steps: STEPS, forecasts: v.value.inputs, prices: null, snapshotHash: v.value.hash };
}

/** Counts turns of the event loop until `p` settles. */
async function turnsWhile<T>(p: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await p;
  done = true;
  return { value, turns };
}

let solver: WorkerPlanSolver | undefined;
afterEach(async () => {
  await solver?.close();
  solver = undefined;
});

describe('day-ahead solves off the event loop', () => {
  it('gives the plan and hash of the main thread while the event loop keeps turning', async () => {
    const i = inputs();
    const inline = await turnsWhile(solvePlan(i, 'community'));
    solver = new WorkerPlanSolver();
    const off = await turnsWhile(solver.solve(i, 'community'));
    expect(off.value.plan).not.toBeNull();
    expect(off.value.planHash).toBe(inline.value.planHash);
    expect(off.value.plan).toEqual(inline.value.plan);
    expect(solver.counters).toEqual({ inWorker: 1, inThread: 0 });
    // The LP holds the main thread for its whole solve (two passes) but for its few awaits; the worker does not
    // (here: ~80 turns in the main thread, the solver's own awaits; over a million beside the worker).
    expect(off.turns).toBeGreaterThan(100 * inline.turns);
  }, 120_000);

  it('solves in a thread of the lowest CPU priority, so the meters and the market come first (Linux)', async () => {
    solver = new WorkerPlanSolver();
    const pending = solver.solve(inputs(), 'community');
    // The thread is there while the solve runs; its nice value is in field 19 of its stat line.
    const niceOf = (): number[] =>
      readdirSync('/proc/self/task').map((tid) => {
        try {
          return Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
        } catch {
          return 0;
        }
      });
    let seen = false;
    while (!seen && solver.counters.inWorker === 0) {
      seen = niceOf().includes(19);
      await new Promise((r) => setImmediate(r));
    }
    await pending;
    expect(seen).toBe(true);
    // Only that thread: the gateway's main thread keeps its priority.
    expect(Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ')[16])).toBeLessThan(19);
  }, 120_000);

  it('solves queued plans one after another, each to its own answer', async () => {
    const i = inputs();
    solver = new WorkerPlanSolver();
    const [community, alone] = await Promise.all([solver.solve(i, 'community'), solver.solve({ ...i, forecasts: i.forecasts.slice(0, 1), snapshotHash: null }, 'alone')]);
    expect(community.plan?.mode).toBe('community');
    expect(alone.plan?.mode).toBe('alone');
    expect(alone.plan?.buildings).toHaveLength(1);
    expect(alone.planHash).toBe((await solvePlan({ ...i, forecasts: i.forecasts.slice(0, 1), snapshotHash: null }, 'alone')).planHash);
  }, 120_000);

  it('solves in the main thread, and says why, when the worker cannot run', async () => {
    const said: string[] = [];
    solver = new WorkerPlanSolver((why) => said.push(why), { url: new URL('./no-such-worker.js', import.meta.url) });
    const i = inputs();
    const r = await solver.solve(i, 'community');
    expect(r.planHash).toBe((await solvePlan(i, 'community')).planHash);
    expect(solver.counters).toEqual({ inWorker: 0, inThread: 1 });
    expect(said[0]).toMatch(/plan worker/);
  }, 120_000);
});
