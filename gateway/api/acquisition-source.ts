// What the API reads about acquisition: devices' and buses' health, the latest values, and every
// read's latency for /metrics. The daemon hands one to ApiService; without it the API reads the
// `acquisition` section of the status board (plain data) and the store's latest readings.
import type { BusHealth, DeviceHealth, ReadLatencyListener } from '../acquisition/health.js';
import type { LatestReading } from '../acquisition/acquisition.js';
import type { GatewayHandle } from '../daemon.js';
import type { StatusBoard } from '../services/service.js';
import type { LatestValue, StoreQueries } from './store-queries.js';

export interface AcquisitionSource {
  health(): { devices: DeviceHealth[]; buses: BusHealth[] };
  latest(): LatestReading[];
  onReadLatency?(listener: ReadLatencyListener): () => void;
}

/** The source for a gateway started by `startGateway`. */
export function acquisitionSourceOf(gateway: Pick<GatewayHandle, 'health' | 'acquisition'>): AcquisitionSource {
  return {
    health: () => gateway.health(),
    latest: () => gateway.acquisition.latestReadings(),
    onReadLatency: (listener) => gateway.acquisition.health.onReadLatency(listener),
  };
}

/** Reads the `acquisition` status section when it has the shape `{ devices, buses, latest? }`. */
export function acquisitionFromStatus(section: unknown): { devices: DeviceHealth[]; buses: BusHealth[]; latest: LatestReading[] | undefined } | undefined {
  if (!section || typeof section !== 'object') return undefined;
  const s = section as { devices?: unknown; buses?: unknown; latest?: unknown };
  if (!Array.isArray(s.devices)) return undefined;
  return {
    devices: s.devices as DeviceHealth[],
    buses: Array.isArray(s.buses) ? (s.buses as BusHealth[]) : [],
    latest: Array.isArray(s.latest) ? (s.latest as LatestReading[]) : undefined,
  };
}

/** The latest values: from the source, else the status section, else the store (last hour). */
export function latestValues(source: AcquisitionSource | undefined, status: StatusBoard, queries: StoreQueries, nowMs: number): LatestReading[] | LatestValue[] {
  if (source) return source.latest();
  return acquisitionFromStatus(status.snapshot().acquisition)?.latest ?? queries.latest(nowMs);
}
