// What the API reads about acquisition: devices' and buses' health, the latest values, and every
// read's latency for /metrics. The daemon hands one to ApiService (`acquisitionSourceOf` its
// acquisition service); without it the API reads the `health` section of the status board
// (plain data) and takes the latest values from the store.
import type { BusHealth, DeviceHealth, HealthRegistry, ReadLatencyListener } from '../acquisition/health.js';
import type { LatestReading } from '../acquisition/acquisition.js';
import type { LatestValue, StoreQueries } from './store-queries.js';

export interface AcquisitionSource {
  health(): { devices: DeviceHealth[]; buses: BusHealth[] };
  latest(): LatestReading[];
  onReadLatency?(listener: ReadLatencyListener): () => void;
}

/**
 * What the adapter needs: the acquisition service and `startGateway`'s handle both fit. Its
 * `acquisition` may throw while the service is not running, and is a new object after the
 * service host restarted it.
 */
export interface AcquisitionLike {
  health(): { devices: DeviceHealth[]; buses: BusHealth[] };
  readonly acquisition: { latestReadings(): LatestReading[]; readonly health: HealthRegistry };
}

export function acquisitionSourceOf(target: AcquisitionLike): AcquisitionSource {
  const listeners = new Set<ReadLatencyListener>();
  let hooked: HealthRegistry | undefined;
  let unhook: (() => void) | undefined;
  const current = (): AcquisitionLike['acquisition'] | undefined => {
    try {
      return target.acquisition;
    } catch {
      return undefined; // not running (yet, or between restarts): nothing to read
    }
  };
  // Latencies are heard on the running acquisition's registry; after a restart the hook moves
  // to the new one the next time anything is read (the API reads every second or scrape).
  const follow = (): void => {
    const registry = current()?.health;
    if (!registry || registry === hooked || listeners.size === 0) return;
    unhook?.();
    unhook = registry.onReadLatency((busId, deviceId, latencyMs) => {
      for (const l of listeners) l(busId, deviceId, latencyMs);
    });
    hooked = registry;
  };
  return {
    health: () => {
      follow();
      return target.health();
    },
    latest: () => {
      follow();
      return current()?.latestReadings() ?? [];
    },
    onReadLatency: (listener) => {
      listeners.add(listener);
      follow();
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        unhook?.();
        unhook = undefined;
        hooked = undefined;
      };
    },
  };
}

/** Reads the status board's `health` section (the acquisition's `{ devices, buses }`). */
export function healthFromStatus(section: unknown): { devices: DeviceHealth[]; buses: BusHealth[] } | undefined {
  if (!section || typeof section !== 'object') return undefined;
  const s = section as { devices?: unknown; buses?: unknown };
  if (!Array.isArray(s.devices)) return undefined;
  return { devices: s.devices as DeviceHealth[], buses: Array.isArray(s.buses) ? (s.buses as BusHealth[]) : [] };
}

/** The latest values: from the source, else the store (last hour). */
export function latestValues(source: AcquisitionSource | undefined, queries: StoreQueries, nowMs: number): LatestReading[] | LatestValue[] {
  return source ? source.latest() : queries.latest(nowMs);
}
