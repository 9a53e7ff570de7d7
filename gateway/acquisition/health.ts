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

export type ReadLatencyListener = (busId: string, deviceId: string, latencyMs: number) => void;

export class HealthRegistry {
  private readonly devices = new Map<string, DeviceHealth>();
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
      d = { deviceId, busId, lastSuccessMs: null, lastErrorMs: null, lastError: null, reads: 0, errorsByKind: {}, rejectedByReason: {}, lastLatencyMs: null, meanLatencyMs: null };
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
    for (const listener of this.latencyListeners) listener(busId, deviceId, latencyMs);
  }

  recordError(deviceId: string, busId: string, atMs: number, kind: string, message: string): void {
    const d = this.device(deviceId, busId);
    d.errorsByKind[kind] = (d.errorsByKind[kind] ?? 0) + 1;
    d.lastErrorMs = atMs;
    d.lastError = message;
  }

  recordRejection(deviceId: string, busId: string, reason: string): void {
    const d = this.device(deviceId, busId);
    d.rejectedByReason[reason] = (d.rejectedByReason[reason] ?? 0) + 1;
  }

  snapshot(): { devices: DeviceHealth[]; buses: BusHealth[] } {
    return {
      devices: [...this.devices.values()].map((d) => ({ ...d, errorsByKind: { ...d.errorsByKind }, rejectedByReason: { ...d.rejectedByReason } })),
      buses: [...this.buses.values()].map((b) => ({ ...b })),
    };
  }
}
