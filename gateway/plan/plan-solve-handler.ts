// What the worker thread of plan-solver.ts runs (loaded by plan-solve-worker.ts once the thread
// has lowered its priority): solves day-ahead plans off the gateway's event loop. The solvers
// (HiGHS, glpk.js) run synchronously for seconds on a district's day; here they hold only this
// thread, so the market, acquisition and MQTT keep their timing meanwhile.
import { parentPort } from 'node:worker_threads';
import { solvePlan, type DayAheadPlan, type PlanInputs } from './plan-schedule.js';

export interface SolveRequest {
  id: number;
  inputs: PlanInputs;
  mode: DayAheadPlan['mode'];
}

const port = parentPort;
if (!port) throw new Error('plan-solve-handler: run in a worker thread');
port.on('message', (m: SolveRequest) => {
  solvePlan(m.inputs, m.mode).then(
    (result) => port.postMessage({ id: m.id, result }),
    (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
