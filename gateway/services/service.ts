// A capability of the daemon (acquisition, store flush, market, control, uplink, api) is a
// Service: started in order by the host, stopped in reverse, talking to the others through
// the event bus and the store, never by calling into them.
import type { Clock } from '../../core/clock.js';
import type { NaboConfig } from '../config/schema.js';
import type { EventBus } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';

/** What every service may use; the host builds it once. */
export interface ServiceContext {
  config: NaboConfig;
  clock: Clock;
  /** A child logger named for the service. */
  log: Logger;
  store: Store;
  events: EventBus;
  /** Services publish what health/status/API should show under their name; the host gathers it. */
  status: StatusBoard;
  /**
   * Tells the host that this service failed while running (a lost connection it cannot heal,
   * a broken invariant): the host stops it and starts it again with back-off. Set by the host.
   */
  serviceFailed?: (err: unknown) => void;
}

export interface Service {
  readonly name: string;
  /** Resolves once the service runs; a rejection is counted and the host retries with back-off. */
  start(context: ServiceContext): Promise<void> | void;
  /** Releases everything `start` took; must be safe to call after a failed start. */
  stop(): Promise<void> | void;
}

/** Named status providers: `status.provide('market', () => ({...}))`, read by the API and `nabo status`. */
export class StatusBoard {
  private readonly providers = new Map<string, () => unknown>();

  provide(name: string, provider: () => unknown): void {
    this.providers.set(name, provider);
  }

  remove(name: string): void {
    this.providers.delete(name);
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, provider] of this.providers) {
      try {
        out[name] = provider();
      } catch (err) {
        out[name] = { error: (err as Error).message };
      }
    }
    return out;
  }
}
