// Each service sees the gateway clock through a guard: a timer callback that throws is reported
// to the host (the service's error boundary) instead of unwinding the clock's loop, and every
// timer the service set is cleared when the host stops it, even if its own stop() forgets one.
import type { Clock, TimerHandle } from '../../core/clock.js';

export class GuardedClock implements Clock {
  private readonly handles = new Set<TimerHandle>();

  constructor(
    private readonly inner: Clock,
    private readonly onError: (err: unknown) => void,
  ) {}

  get speed(): number {
    return this.inner.speed;
  }

  now(): number {
    return this.inner.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const handle = this.inner.setTimeout(() => {
      this.handles.delete(handle);
      this.run(fn);
    }, delayMs);
    this.handles.add(handle);
    return handle;
  }

  setInterval(fn: () => void, periodMs: number): TimerHandle {
    const handle = this.inner.setInterval(() => this.run(fn), periodMs);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.handles.delete(handle);
    this.inner.clear(handle);
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(durationMs, signal);
  }

  /** Clears every timer still set through this guard. */
  clearAll(): void {
    for (const h of this.handles) this.inner.clear(h);
    this.handles.clear();
  }

  private run(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
