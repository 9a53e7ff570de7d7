// The worker thread of plan-solver.ts: solves day-ahead plans off the gateway's event loop. The
// solvers (HiGHS, glpk.js) run synchronously for seconds on a district's day; here they hold
// only this thread, so the market, acquisition and MQTT keep their timing meanwhile.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { solvePlan, type DayAheadPlan, type PlanInputs } from './plan-schedule.js';

export interface SolveRequest {
  id: number;
  inputs: PlanInputs;
  mode: DayAheadPlan['mode'];
}

const port = parentPort;
if (!port) throw new Error('plan-solve-worker: run as a worker thread');
// The plan is due hours later; the meters and the interval market are due now. Lowest CPU
// priority for this thread only (Linux keeps the nice value per thread; pid 0 = the caller).
try {
  setPriority(19);
} catch {
  // Not permitted or not supported: the solve runs at the gateway's own priority.
}
port.on('message', (m: SolveRequest) => {
  solvePlan(m.inputs, m.mode).then(
    (result) => port.postMessage({ id: m.id, result }),
    (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
