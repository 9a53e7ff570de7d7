// Typed events between the daemon's services (DESIGN: gateway/events). A service announces
// what happened (readings flushed, an interval closed, its energy is final, an alarm) and other
// services react, so a capability is added as a listener, not wired into one function. A
// listener that throws is logged and counted; it never stops the emitter or other listeners.
import type { Logger } from '../log/logger.js';

export type EnergyQuality = 'measured' | 'estimated' | 'reconciled' | 'gap';

export type AlarmSeverity = 'info' | 'warning' | 'critical';

export interface Alarm {
  /** Stable machine name, e.g. `disk-full`, `market-disagreement`, `device-silent`. */
  code: string;
  severity: AlarmSeverity;
  message: string;
  atMs: number;
  deviceId?: string;
  /** True when the condition has ended (the same code raised earlier clears). */
  cleared?: boolean;
  details?: Record<string, unknown>;
}

export interface GatewayEvents {
  /** A batch of readings was committed to the store. */
  readingsFlushed: { count: number; atMs: number };
  /** The clock passed the end of a market interval (readings around its end may still arrive). */
  intervalClosed: { intervalStartMs: number; intervalMs: number };
  /** One device's energy for one interval, as it is now stored; emitted again if it is recomputed. */
  intervalEnergyFinal: {
    deviceId: string;
    intervalStartMs: number;
    intervalMs: number;
    importWh: number | null;
    exportWh: number | null;
    quality: EnergyQuality;
    gapReason: string | null;
  };
  /** A device started or stopped answering (or a push meter went silent). */
  deviceHealthChanged: { deviceId: string; busId: string; state: 'ok' | 'failing' | 'silent'; atMs: number; reason?: string };
  alarm: Alarm;
  /**
   * The market's outcome for one interval: `final` when a majority signed the same result,
   * `grid-only` when the gateway trades nothing in it; with how long clearing took (metrics).
   */
  intervalCleared: { intervalStartMs: number; outcome: 'final' | 'grid-only'; clearingLatencyMs: number | null; reason?: string };
}

export type EventName = keyof GatewayEvents;
type Listener<K extends EventName> = (payload: GatewayEvents[K]) => void;

export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  /** Listener failures per event name. */
  readonly listenerErrors = new Map<EventName, number>();
  private readonly counts = new Map<EventName, number>();

  constructor(private readonly log?: Logger) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends EventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<K extends EventName>(name: K, payload: GatewayEvents[K]): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        this.listenerErrors.set(name, (this.listenerErrors.get(name) ?? 0) + 1);
        this.log?.error({ err, event: name }, 'event listener failed; other listeners still ran');
      }
    }
  }

  /** How many times each event was emitted. */
  emitted(name: EventName): number {
    return this.counts.get(name) ?? 0;
  }
}
