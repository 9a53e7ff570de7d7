// The daemon is a list of services. The host starts them in order and stops them in reverse;
// each runs behind its own error boundary: a service whose start fails, whose timer throws or
// that reports a failure is logged, counted, stopped and started again with back-off, and the
// other services never notice. Restarts wait on the gateway's clock.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { Backoff, type BackoffOptions } from '../bus/backoff.js';
import type { EventBus, EventName, GatewayEvents } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import { GuardedClock } from './guarded-clock.js';
import type { Service, ServiceContext } from './service.js';

export type ServiceState = 'idle' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** Failures since the host started (start errors, thrown timers, reported failures). */
  failures: number;
  restarts: number;
  lastError: string | null;
  lastErrorMs: number | null;
}

interface Slot {
  service: Service;
  status: ServiceStatus;
  clock?: GuardedClock;
  unsubscribe: Array<() => void>;
  backoff: Backoff;
  retry?: TimerHandle;
  /** Bumps on every start, so a failure report from an older run is ignored. */
  generation: number;
}

export interface ServiceHostOptions {
  restartBackoff?: Omit<BackoffOptions, 'random'> & { random?: () => number };
}

/** Events as a service sees them: its listeners are guarded and removed when it stops. */
function scopedEvents(events: EventBus, unsubscribe: Array<() => void>, onError: (err: unknown) => void): EventBus {
  const scoped = Object.create(events) as EventBus;
  scoped.on = <K extends EventName>(name: K, listener: (payload: GatewayEvents[K]) => void) => {
    const off = events.on(name, (payload) => {
      try {
        listener(payload);
      } catch (err) {
        onError(err);
      }
    });
    unsubscribe.push(off);
    return off;
  };
  return scoped;
}

export class ServiceHost {
  private readonly slots: Slot[];
  private stopping = false;

  constructor(
    private readonly base: Omit<ServiceContext, 'serviceFailed'>,
    services: readonly Service[],
    private readonly options: ServiceHostOptions = {},
  ) {
    const names = new Set<string>();
    for (const s of services) {
      if (names.has(s.name)) throw new Error(`two services named '${s.name}'`);
      names.add(s.name);
    }
    this.slots = services.map((service) => ({
      service,
      status: { name: service.name, state: 'idle', failures: 0, restarts: 0, lastError: null, lastErrorMs: null },
      unsubscribe: [],
      backoff: new Backoff(options.restartBackoff ?? { initialMs: 1_000, maxMs: 5 * 60_000 }),
      generation: 0,
    }));
    base.status.provide('services', () => this.statuses());
  }

  private get clock(): Clock {
    return this.base.clock;
  }

  private get log(): Logger {
    return this.base.log;
  }

  statuses(): ServiceStatus[] {
    return this.slots.map((s) => ({ ...s.status }));
  }

  service<T extends Service>(name: string): T | undefined {
    return this.slots.find((s) => s.service.name === name)?.service as T | undefined;
  }

  /** Starts every service in order; a failed start is retried in the background and does not stop the others. */
  async start(): Promise<void> {
    for (const slot of this.slots) await this.startSlot(slot);
  }

  /** Stops every service in reverse order; a failing stop is logged and the others still stop. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of [...this.slots].reverse()) {
      this.clock.clear(slot.retry);
      slot.retry = undefined;
      await this.stopSlot(slot, 'stopped');
    }
  }

  private async startSlot(slot: Slot): Promise<void> {
    if (this.stopping) return;
    const generation = ++slot.generation;
    const log = this.log.child({ service: slot.service.name });
    const onError = (err: unknown): void => this.failed(slot, generation, err);
    slot.clock = new GuardedClock(this.clock, onError);
    slot.unsubscribe = [];
    const context: ServiceContext = {
      ...this.base,
      clock: slot.clock,
      log,
      events: scopedEvents(this.base.events, slot.unsubscribe, onError),
      serviceFailed: onError,
    };
    slot.status.state = 'starting';
    try {
      await slot.service.start(context);
      if (slot.generation !== generation || slot.status.state !== 'starting') return;
      slot.status.state = 'running';
      slot.backoff.reset();
    } catch (err) {
      this.failed(slot, generation, err);
    }
  }

  private async stopSlot(slot: Slot, next: 'stopped' | 'failed'): Promise<void> {
    const wasActive = slot.status.state === 'running' || slot.status.state === 'starting';
    slot.status.state = next === 'failed' ? 'failed' : 'stopping';
    // Listeners and timers go at once, so nothing of a failed run acts while it stops.
    for (const off of slot.unsubscribe.splice(0)) off();
    slot.clock?.clearAll();
    if (wasActive) {
      try {
        await slot.service.stop();
      } catch (err) {
        this.log.error({ err, service: slot.service.name }, 'service stop failed; going on with the others');
      }
    }
    if (next === 'stopped') slot.status.state = 'stopped';
  }

  private failed(slot: Slot, generation: number, err: unknown): void {
    if (generation !== slot.generation || this.stopping) return;
    if (slot.status.state === 'failed' || slot.status.state === 'stopping') return;
    slot.generation++; // later reports from this run are stale
    const message = err instanceof Error ? err.message : String(err);
    slot.status.failures++;
    slot.status.lastError = message;
    slot.status.lastErrorMs = this.clock.now();
    const delayMs = slot.backoff.next();
    this.log.error({ err, service: slot.service.name, failures: slot.status.failures, retryInMs: delayMs }, `service ${slot.service.name} failed: ${message}; restarting with back-off`);
    this.base.events.emit('alarm', {
      code: 'service-failed',
      severity: 'warning',
      message: `service ${slot.service.name} failed: ${message}`,
      atMs: this.clock.now(),
      details: { service: slot.service.name, failures: slot.status.failures },
    });
    void this.stopSlot(slot, 'failed').then(() => {
      if (this.stopping) return;
      slot.retry = this.clock.setTimeout(() => {
        slot.retry = undefined;
        slot.status.restarts++;
        void this.startSlot(slot);
      }, delayMs);
    });
  }
}
