// The one module that owns time (DESIGN principle 2). Everything else asks a Clock for "now"
// and for timers, so a simulated clock can drive the simulator and the gateways in tests and
// demos, stepped by hand or accelerated, and no test ever sleeps.

import { sleepOn, type Clock, type TimerHandle } from '../../core/clock.js';

export type { Clock, TimerHandle } from '../../core/clock.js';

/** Wall-clock time and Node's timers. */
export class RealClock implements Clock {
  readonly speed = 1;
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const t = globalThis.setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, delayMs));
    this.timers.set(id, t);
    return { id };
  }

  setInterval(fn: () => void, periodMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, globalThis.setInterval(fn, Math.max(1, periodMs)));
    return { id };
  }

  clear(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) {
      globalThis.clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, durationMs, signal);
  }
}

interface SimTimer {
  id: number;
  dueMs: number;
  seq: number;
  periodMs: number | undefined;
  fn: () => void;
}

export interface SimulatedClockOptions {
  /** The instant the simulated clock starts at, epoch ms. */
  startMs: number;
  /**
   * Simulated milliseconds per real millisecond (1, 60, 1440, …). `'manual'` (the default)
   * means time moves only when `advance` / `advanceTo` is called.
   */
  speed?: number | 'manual';
}

/** Timers a running simulated clock fires in one wake-up before it yields to I/O. */
const MAX_TIMERS_PER_WAKE = 1000;

/** Lets pending promise callbacks and I/O callbacks run before the next timer fires. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Simulated time. Timers live in a queue ordered by due time (then by creation), so the order
 * in which they fire is deterministic. Stepped by hand (`advance`) or, with a numeric speed,
 * driven by one real timer that wakes at the next due timer's scaled real time.
 */
export class SimulatedClock implements Clock {
  readonly speed: number;
  private currentMs: number;
  private nextId = 1;
  private seq = 0;
  private readonly queue: SimTimer[] = [];
  private anchorRealMs = 0;
  private anchorSimMs = 0;
  private driver: NodeJS.Timeout | undefined;
  private running = false;
  /** Real timer wake-ups of a running clock (a diagnostic: how hard the clock works). */
  wakeUps = 0;

  constructor(options: SimulatedClockOptions) {
    if (!Number.isFinite(options.startMs)) throw new Error('SimulatedClock: startMs must be finite');
    const speed = options.speed ?? 'manual';
    if (speed !== 'manual' && !(speed > 0 && Number.isFinite(speed))) {
      throw new Error(`SimulatedClock: speed must be a positive number or 'manual', got ${String(speed)}`);
    }
    this.currentMs = options.startMs;
    this.speed = speed === 'manual' ? Infinity : speed;
  }

  now(): number {
    if (this.running) {
      const projected = this.anchorSimMs + (performance.now() - this.anchorRealMs) * this.speed;
      // Never run past a timer that has not fired yet: time and timers stay consistent.
      const next = this.queue[0];
      const bounded = next ? Math.min(projected, next.dueMs) : projected;
      this.currentMs = Math.max(this.currentMs, Math.floor(bounded));
    }
    return this.currentMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.schedule(fn, Math.max(0, delayMs), undefined);
  }

  setInterval(fn: () => void, periodMs: number): TimerHandle {
    return this.schedule(fn, Math.max(1, periodMs), Math.max(1, periodMs));
  }

  clear(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const i = this.queue.findIndex((t) => t.id === handle.id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.rearm();
    }
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, durationMs, signal);
  }

  /** Number of timers waiting. */
  pendingTimers(): number {
    return this.queue.length;
  }

  /** When the next timer is due (clock ms), for stepping timer by timer; undefined when none waits. */
  nextDueMs(): number | undefined {
    return this.queue[0]?.dueMs;
  }

  /**
   * Moves time forward by `durationMs`, firing every timer due on the way in order, with the
   * clock reading each timer's due time while it runs. Between timers, pending promise and I/O
   * callbacks get a turn, so async code woken by a timer can schedule the next one.
   */
  async advance(durationMs: number): Promise<void> {
    if (durationMs < 0) throw new Error('SimulatedClock.advance: negative duration');
    await this.advanceTo(this.now() + durationMs);
  }

  async advanceTo(targetMs: number): Promise<void> {
    if (this.running) throw new Error('SimulatedClock: cannot step a clock that runs by itself');
    await settle();
    for (;;) {
      const next = this.queue[0];
      if (!next || next.dueMs > targetMs) break;
      this.currentMs = Math.max(this.currentMs, next.dueMs);
      this.fire(next);
      await settle();
    }
    this.currentMs = Math.max(this.currentMs, targetMs);
  }

  /**
   * Starts running at the configured speed (a numeric speed is required). `lateByRealMs`: it
   * should have started that long ago; time catches up, firing the timers due meanwhile in order.
   */
  start(lateByRealMs = 0): void {
    if (!Number.isFinite(this.speed)) throw new Error("SimulatedClock: a 'manual' clock cannot start");
    if (this.running) return;
    this.anchorRealMs = performance.now() - Math.max(0, lateByRealMs);
    this.anchorSimMs = this.currentMs;
    this.running = true;
    this.rearm();
  }

  stop(): void {
    if (!this.running) return;
    this.now();
    this.running = false;
    if (this.driver) globalThis.clearTimeout(this.driver);
    this.driver = undefined;
  }

  private schedule(fn: () => void, delayMs: number, periodMs: number | undefined): TimerHandle {
    const timer: SimTimer = { id: this.nextId++, dueMs: this.now() + delayMs, seq: this.seq++, periodMs, fn };
    this.insert(timer);
    this.rearm();
    return { id: timer.id };
  }

  private insert(timer: SimTimer): void {
    // Binary search for the first timer that is due later (or equal and created later).
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.queue[mid] as SimTimer;
      if (t.dueMs < timer.dueMs || (t.dueMs === timer.dueMs && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, timer);
  }

  private fire(timer: SimTimer): void {
    const i = this.queue.indexOf(timer);
    if (i >= 0) this.queue.splice(i, 1);
    if (timer.periodMs !== undefined) {
      timer.dueMs += timer.periodMs;
      timer.seq = this.seq++;
      this.insert(timer);
    }
    timer.fn();
  }

  private rearm(): void {
    if (!this.running) return;
    if (this.driver) globalThis.clearTimeout(this.driver);
    this.driver = undefined;
    const next = this.queue[0];
    if (!next) return;
    const simNow = this.anchorSimMs + (performance.now() - this.anchorRealMs) * this.speed;
    const realDelay = Math.max(0, (next.dueMs - simNow) / this.speed);
    this.driver = globalThis.setTimeout(() => this.onDriver(), realDelay);
  }

  private onDriver(): void {
    this.driver = undefined;
    this.wakeUps++;
    const simNow = this.anchorSimMs + (performance.now() - this.anchorRealMs) * this.speed;
    // Fire every timer already due, in order: one real timer per simulated timer would cap a
    // fast clock at Node's ~1000 timer wake-ups per second. Bounded so I/O still gets turns.
    for (let fired = 0; fired < MAX_TIMERS_PER_WAKE; fired++) {
      const next = this.queue[0];
      if (!next || next.dueMs > simNow) break;
      this.currentMs = Math.max(this.currentMs, next.dueMs);
      this.fire(next);
    }
    this.rearm();
  }
}

/** A clock from a `--clock` style description: 'real', or a simulated start and speed. */
export function createClock(spec: { mode: 'real' } | { mode: 'simulated'; startMs: number; speed: number | 'manual' }): Clock {
  if (spec.mode === 'real') return new RealClock();
  const clock = new SimulatedClock({ startMs: spec.startMs, speed: spec.speed });
  if (spec.speed !== 'manual') clock.start();
  return clock;
}
