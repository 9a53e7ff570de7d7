// Lockstep driver: steps a SimulatedClock timer by timer and, before each next step, waits (in
// real time, bounded) until the system is quiet: no gateway read on the wire and every frame
// or edge the simulator sent has arrived. Real I/O then takes no simulated time, so the instant
// a simulated device samples its truth is the instant the gateway stamps the reading.
import { RealClock, type SimulatedClock } from '../../gateway/clock/clock.js';

export interface QuietCheck {
  name: string;
  /** Undefined when nothing is awaited, else what is still on its way (for the error). */
  pending(): string | undefined;
  /** Optional promise to await while pending (e.g. reads in flight), instead of polling. */
  settle?(): Promise<void>;
}

export interface LockstepOptions {
  clock: SimulatedClock;
  checks: QuietCheck[];
  /** Real ms to wait for quiet before giving up with an error naming what is pending. */
  maxWaitMs?: number;
}

export interface LockstepStats {
  steps: number;
  /** Steps after which something had to be waited for. */
  waits: number;
  /** Longest real wait for quiet, ms. */
  longestWaitMs: number;
  /** Real ms spent waiting for quiet, in all. */
  waitedMs: number;
}

const realClock = new RealClock();

export class Lockstep {
  readonly stats: LockstepStats = { steps: 0, waits: 0, longestWaitMs: 0, waitedMs: 0 };
  private readonly maxWaitMs: number;

  constructor(private readonly options: LockstepOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  private pending(): Array<{ check: QuietCheck; what: string }> {
    const out: Array<{ check: QuietCheck; what: string }> = [];
    for (const check of this.options.checks) {
      const what = check.pending();
      if (what !== undefined) out.push({ check, what });
    }
    return out;
  }

  /** Waits until every check is quiet; throws after `maxWaitMs` of real time. */
  async quiet(): Promise<void> {
    let pending = this.pending();
    if (pending.length === 0) return;
    const started = performance.now();
    this.stats.waits++;
    for (let round = 0; pending.length > 0; round++) {
      const waited = performance.now() - started;
      if (waited > this.maxWaitMs) {
        const at = new Date(this.options.clock.now()).toISOString();
        throw new Error(`lockstep: not quiet after ${Math.round(waited)} ms of real time at ${at}: ${pending.map((p) => `${p.check.name}: ${p.what}`).join('; ')}`);
      }
      const settling = pending.map((p) => p.check.settle?.()).filter((p): p is Promise<void> => p !== undefined);
      if (settling.length > 0) await Promise.all(settling);
      // A few turns of the event loop first (pty bytes are usually there), then 1 ms naps.
      else if (round < 20) await new Promise<void>((r) => setImmediate(r));
      else await realClock.sleep(1);
      pending = this.pending();
    }
    const waited = performance.now() - started;
    this.stats.waitedMs += waited;
    this.stats.longestWaitMs = Math.max(this.stats.longestWaitMs, waited);
  }

  /**
   * Runs the clock to `targetMs`, one due instant at a time, quiet after each. `stops` are extra
   * instants (sorted) at which the clock halts and `onStop` runs once the system is quiet, e.g.
   * to sample the simulator's truth at interval boundaries or to switch a fault.
   */
  async runTo(targetMs: number, stops: readonly number[] = [], onStop?: (atMs: number) => void | Promise<void>): Promise<void> {
    const clock = this.options.clock;
    let s = 0;
    while (s < stops.length && (stops[s] as number) < clock.now()) s++;
    await this.quiet();
    for (;;) {
      const now = clock.now();
      const due = clock.nextDueMs();
      const stop = stops[s];
      let next = Math.min(due ?? Infinity, stop ?? Infinity, targetMs);
      if (next < now) next = now;
      if (next > targetMs) break;
      await clock.advanceTo(next);
      this.stats.steps++;
      await this.quiet();
      if (stop !== undefined && next === stop) {
        s++;
        await onStop?.(next);
        await this.quiet();
      }
      if (next >= targetMs && (clock.nextDueMs() ?? Infinity) > targetMs && (stops[s] ?? Infinity) > targetMs) break;
    }
  }
}
