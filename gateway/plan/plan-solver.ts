// Day-ahead solves in a worker thread, one at a time, so that a district's plan (seconds of
// LP on a Pi) does not stall the gateway's event loop. The worker runs the same code as
// solvePlan, so the plan and its hash are the same bytes as in this thread. The thread exists
// only while a solve is pending (the plan is made once a day; an idle isolate costs memory).
// When the worker cannot start or dies, the solve runs in this thread instead and says so.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { solvePlan, type DayAheadPlan, type PlanInputs, type PlanSolve, type SolvedPlan } from './plan-schedule.js';
import type { SolveRequest } from './plan-solve-handler.js';

interface Pending {
  request: SolveRequest;
  resolve: (r: SolvedPlan) => void;
  reject: (e: Error) => void;
}

type Reply = { id: number; result: SolvedPlan } | { id: number; error: string };

/** How to start the worker: the built .js beside this file, or from source through tsx's loader. */
export interface WorkerEntry {
  url: URL;
  /** From source: load the entry with tsx (a worker's --import hooks do not reach its entry on Node 20). */
  viaTsx?: boolean;
}

function workerEntry(): WorkerEntry {
  const fromSource = import.meta.url.endsWith('.ts');
  return { url: new URL(fromSource ? './plan-solve-worker.ts' : './plan-solve-worker.js', import.meta.url), viaTsx: fromSource };
}

function startThread(entry: WorkerEntry): Worker {
  if (!entry.viaTsx) return new Worker(entry.url);
  // tsx's ESM API beside its CommonJS one (the package's require entry), registered in the worker.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  // Lowest priority before tsx starts its loader thread and compiles (plan-solve-worker.ts says why).
  const code = `try { require('node:os').setPriority(19); } catch {} import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.url.href)}); });`;
  return new Worker(code, { eval: true });
}

export class WorkerPlanSolver {
  private worker: Worker | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Solves done in the worker, and in this thread because the worker failed. */
  readonly counters = { inWorker: 0, inThread: 0 };

  constructor(
    private readonly onFallback: (reason: string) => void = () => {},
    /** The worker's module; tests point it elsewhere to see the fallback. */
    private readonly where: WorkerEntry = workerEntry(),
  ) {}

  readonly solve: PlanSolve = (inputs: PlanInputs, mode: DayAheadPlan['mode']) =>
    new Promise<SolvedPlan>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, inputs, mode }, resolve, reject });
      if (this.queue.length === 1) this.runNext();
    });

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private runNext(): void {
    const job = this.queue[0];
    if (!job) {
      // Idle: let the thread go.
      void this.close();
      return;
    }
    let worker: Worker;
    try {
      worker = this.worker ?? this.startWorker();
    } catch (e) {
      return this.inThread(job, `cannot start the plan worker: ${e instanceof Error ? e.message : String(e)}`);
    }
    worker.postMessage(job.request);
  }

  private startWorker(): Worker {
    const w = startThread(this.where);
    w.unref();
    w.on('message', (reply: Reply) => {
      const job = this.queue[0];
      if (!job || job.request.id !== reply.id) return;
      this.queue.shift();
      if ('result' in reply) {
        this.counters.inWorker++;
        job.resolve(reply.result);
      } else job.reject(new Error(reply.error));
      this.runNext();
    });
    const lost = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const job = this.queue[0];
      if (job) this.inThread(job, why);
    };
    w.on('error', (e) => lost(`plan worker failed: ${e.message}`));
    w.on('exit', (code) => lost(`plan worker exited with ${code}`));
    this.worker = w;
    return w;
  }

  private inThread(job: Pending, why: string): void {
    this.onFallback(why);
    this.queue.shift();
    solvePlan(job.request.inputs, job.request.mode).then(
      (r) => {
        this.counters.inThread++;
        job.resolve(r);
      },
      (e: unknown) => job.reject(e instanceof Error ? e : new Error(String(e))),
    );
    this.runNext();
  }
}
