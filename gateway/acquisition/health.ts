// Health of devices and buses, kept in process for logs, `nabo check`, and the coming HTTP API
// and metrics (they read `snapshot()`).

export interface DeviceHealth {
  deviceId: string;
  busId: string;
  lastSuccessMs: number | null;
  lastErrorMs: number | null;
  lastError: string | null;
  reads: number;
  errorsByKind: Record<string, number>;
  rejectedByReason: Record<string, number>;
  /**
   * Readings accepted but marked (e.g. 's0-saturated': a pulse output at its limit), with when
   * the last one came, so an interval that contains one can be marked too.
   */
  marks: Record<string, { count: number; lastAtMs: number }>;
  lastLatencyMs: number | null;
  /** Exponentially weighted mean latency, ms. */
  meanLatencyMs: number | null;
}

export interface BusHealth {
  busId: string;
  queueDepth: number;
  /** Poll cycles that took longer than their period. */
  cycleOverruns: number;
  connected: boolean;
  reconnects: number;
}

export type DeviceState = 'ok' | 'failing' | 'silent';

export interface DeviceStateChange {
  deviceId: string;
  busId: string;
  state: DeviceState;
  atMs: number;
  reason?: string;
}
export type ReadLatencyListener = (busId: string, deviceId: string, latencyMs: number) => void;

export class HealthRegistry {
  private readonly devices = new Map<string, DeviceHealth>();
  private readonly states = new Map<string, DeviceState>();
  /** Called when a device starts or stops answering (or a push meter falls silent). */
  onStateChange: ((change: DeviceStateChange) => void) | undefined;

  private setState(deviceId: string, busId: string, state: DeviceState, atMs: number, reason?: string): void {
    const before = this.states.get(deviceId);
    if (before === state) return;
    this.states.set(deviceId, state);
    // The first success is no change worth announcing; the first failure is.
    if (before === undefined && state === 'ok') return;
    this.onStateChange?.({ deviceId, busId, state, atMs, ...(reason !== undefined ? { reason } : {}) });
  }
  private readonly buses = new Map<string, BusHealth>();
  private readonly latencyListeners = new Set<ReadLatencyListener>();

  /** Every successful read's latency (the /metrics histogram); returns the unsubscribe. */
  onReadLatency(listener: ReadLatencyListener): () => void {
    this.latencyListeners.add(listener);
    return () => this.latencyListeners.delete(listener);
  }

  device(deviceId: string, busId: string): DeviceHealth {
    let d = this.devices.get(deviceId);
    if (!d) {
      d = { deviceId, busId, lastSuccessMs: null, lastErrorMs: null, lastError: null, reads: 0, errorsByKind: {}, rejectedByReason: {}, marks: {}, lastLatencyMs: null, meanLatencyMs: null };
      this.devices.set(deviceId, d);
    }
    return d;
  }

  bus(busId: string): BusHealth {
    let b = this.buses.get(busId);
    if (!b) {
      b = { busId, queueDepth: 0, cycleOverruns: 0, connected: false, reconnects: 0 };
      this.buses.set(busId, b);
    }
    return b;
  }

  recordSuccess(deviceId: string, busId: string, atMs: number, latencyMs: number): void {
    const d = this.device(deviceId, busId);
    d.reads++;
    d.lastSuccessMs = atMs;
    d.lastLatencyMs = latencyMs;
    d.meanLatencyMs = d.meanLatencyMs === null ? latencyMs : d.meanLatencyMs * 0.9 + latencyMs * 0.1;
    this.setState(deviceId, busId, 'ok', atMs);
    for (const listener of this.latencyListeners) listener(busId, deviceId, latencyMs);
  }

  recordError(deviceId: string, busId: string, atMs: number, kind: string, message: string): void {
    const d = this.device(deviceId, busId);
    d.errorsByKind[kind] = (d.errorsByKind[kind] ?? 0) + 1;
    d.lastErrorMs = atMs;
    d.lastError = message;
    // A device resting after failures ('backed-off') is still failing, not a new state.
    if (kind !== 'backed-off') this.setState(deviceId, busId, kind === 'silent' ? 'silent' : 'failing', atMs, message);
  }

  recordRejection(deviceId: string, busId: string, reason: string): void {
    const d = this.device(deviceId, busId);
    d.rejectedByReason[reason] = (d.rejectedByReason[reason] ?? 0) + 1;
  }

  recordMark(deviceId: string, busId: string, mark: string, atMs: number): void {
    const d = this.device(deviceId, busId);
    const m = d.marks[mark];
    d.marks[mark] = { count: (m?.count ?? 0) + 1, lastAtMs: Math.max(m?.lastAtMs ?? atMs, atMs) };
  }

  /** Whether a device had a reading with `mark` at or after `sinceMs` (an interval's start). */
  markedSince(deviceId: string, mark: string, sinceMs: number): boolean {
    const m = this.devices.get(deviceId)?.marks[mark];
    return m !== undefined && m.lastAtMs >= sinceMs;
  }

  snapshot(): { devices: DeviceHealth[]; buses: BusHealth[] } {
    return {
      devices: [...this.devices.values()].map((d) => ({ ...d, errorsByKind: { ...d.errorsByKind }, rejectedByReason: { ...d.rejectedByReason }, marks: Object.fromEntries(Object.entries(d.marks).map(([k, v]) => [k, { ...v }])) })),
      buses: [...this.buses.values()].map((b) => ({ ...b })),
    };
  }
}
