// One queue per physical port or TCP endpoint (DESIGN: gateway/bus). Exactly one request is on
// the wire at a time; writes (control) go first, then fast reads, then slow reads taken in turn
// across devices. Every request has a timeout. A device that keeps failing is rested with a
// back-off so that it never holds up the others on its bus: while it rests, its requests fail
// at once with 'backed-off' instead of spending a timeout on the line.
import { RealClock, type Clock, type TimerHandle } from '../clock/clock.js';
import { Backoff } from './backoff.js';

export type RequestPriority = 'write' | 'fast' | 'slow';

export type BusErrorKind = 'timeout' | 'backed-off' | 'closed' | 'transport' | 'protocol' | 'exception';

export class BusError extends Error {
  constructor(
    readonly kind: BusErrorKind,
    message: string,
    readonly deviceId?: string,
  ) {
    super(message);
    this.name = 'BusError';
  }
}

export interface BusRequest<T> {
  deviceId: string;
  priority: RequestPriority;
  timeoutMs: number;
  /** Performs the exchange; must settle or observe `signal` (aborted at the timeout). */
  run(signal: AbortSignal): Promise<T>;
}

interface Queued {
  request: BusRequest<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  enqueuedMs: number;
}

interface DeviceState {
  consecutiveFailures: number;
  restUntilMs: number;
  backoff: Backoff;
}

export interface RequestQueueOptions {
  /** Timers and "now" for timeouts and rests: real time, even when polls run on a simulated clock. */
  clock?: Clock;
  /** Consecutive timeouts before a device is rested (default 2). */
  failuresBeforeRest?: number;
  restInitialMs?: number;
  restMaxMs?: number;
  random?: () => number;
}

export interface QueueStats {
  depth: number;
  inFlight: boolean;
  completed: number;
  failed: number;
  rejectedWhileResting: number;
}

export class RequestQueue {
  private readonly clock: Clock;
  private readonly lanes: Record<'write' | 'fast', Queued[]> = { write: [], fast: [] };
  /** Slow reads per device, served round-robin. */
  private readonly slow = new Map<string, Queued[]>();
  private slowOrder: string[] = [];
  private busy = false;
  private closed = false;
  private readonly devices = new Map<string, DeviceState>();
  private readonly counters = { completed: 0, failed: 0, rejectedWhileResting: 0 };

  constructor(private readonly options: RequestQueueOptions = {}) {
    this.clock = options.clock ?? new RealClock();
  }

  get depth(): number {
    let n = this.lanes.write.length + this.lanes.fast.length;
    for (const q of this.slow.values()) n += q.length;
    return n;
  }

  stats(): QueueStats {
    return { depth: this.depth, inFlight: this.busy, ...this.counters };
  }

  /** True while the device is resting after repeated failures. */
  isResting(deviceId: string): boolean {
    const s = this.devices.get(deviceId);
    return s !== undefined && s.restUntilMs > this.clock.now();
  }

  enqueue<T>(request: BusRequest<T>): Promise<T> {
    if (this.closed) return Promise.reject(new BusError('closed', 'bus is closed', request.deviceId));
    return new Promise<T>((resolve, reject) => {
      const item: Queued = { request: request as BusRequest<unknown>, resolve: resolve as (v: unknown) => void, reject, enqueuedMs: this.clock.now() };
      if (request.priority === 'slow') {
        let q = this.slow.get(request.deviceId);
        if (!q) {
          q = [];
          this.slow.set(request.deviceId, q);
          this.slowOrder.push(request.deviceId);
        }
        q.push(item);
      } else this.lanes[request.priority].push(item);
      this.pump();
    });
  }

  /** Fails everything waiting and refuses new requests. */
  close(): void {
    this.closed = true;
    const all = [...this.lanes.write, ...this.lanes.fast, ...[...this.slow.values()].flat()];
    this.lanes.write = [];
    this.lanes.fast = [];
    this.slow.clear();
    this.slowOrder = [];
    for (const q of all) q.reject(new BusError('closed', 'bus closed', q.request.deviceId));
  }

  private takeNext(): Queued | undefined {
    const w = this.lanes.write.shift();
    if (w) return w;
    const f = this.lanes.fast.shift();
    if (f) return f;
    for (let i = 0; i < this.slowOrder.length; i++) {
      const id = this.slowOrder.shift() as string;
      const q = this.slow.get(id);
      const item = q?.shift();
      if (q && q.length > 0) this.slowOrder.push(id);
      else this.slow.delete(id);
      if (item) return item;
    }
    return undefined;
  }

  private state(deviceId: string): DeviceState {
    let s = this.devices.get(deviceId);
    if (!s) {
      s = {
        consecutiveFailures: 0,
        restUntilMs: 0,
        backoff: new Backoff({ initialMs: this.options.restInitialMs ?? 2000, maxMs: this.options.restMaxMs ?? 60_000, ...(this.options.random ? { random: this.options.random } : {}) }),
      };
      this.devices.set(deviceId, s);
    }
    return s;
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const item = this.takeNext();
    if (!item) return;
    const { request } = item;
    const device = this.state(request.deviceId);
    if (request.priority !== 'write' && device.restUntilMs > this.clock.now()) {
      this.counters.rejectedWhileResting++;
      item.reject(new BusError('backed-off', `device ${request.deviceId} is resting after ${device.consecutiveFailures} failures`, request.deviceId));
      queueMicrotask(() => this.pump());
      return;
    }
    this.busy = true;
    const controller = new AbortController();
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => {
        const err = new BusError('timeout', `no answer from ${request.deviceId} within ${request.timeoutMs} ms`, request.deviceId);
        controller.abort(err);
        reject(err);
      }, request.timeoutMs);
    });
    Promise.race([request.run(controller.signal), timeout]).then(
      (value) => {
        this.clock.clear(timer);
        device.consecutiveFailures = 0;
        device.restUntilMs = 0;
        device.backoff.reset();
        this.counters.completed++;
        this.finish();
        item.resolve(value);
      },
      (err: unknown) => {
        this.clock.clear(timer);
        if (!controller.signal.aborted) controller.abort(err);
        this.counters.failed++;
        // Only silence counts against a device: an exception reply proves it is alive.
        const silent = err instanceof BusError ? err.kind === 'timeout' || err.kind === 'transport' : true;
        if (silent) {
          device.consecutiveFailures++;
          if (device.consecutiveFailures >= (this.options.failuresBeforeRest ?? 2)) device.restUntilMs = this.clock.now() + device.backoff.next();
        }
        this.finish();
        item.reject(err);
      },
    );
  }

  private finish(): void {
    this.busy = false;
    queueMicrotask(() => this.pump());
  }
}
