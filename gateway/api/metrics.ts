// /metrics: the gateway's counters in Prometheus text format, on a private prom-client
// Registry (a test or a second gateway in one process never sees another's series). Counts
// that health already keeps are read from it at scrape time; latencies are observed as they
// happen. The names are a contract with deploy/'s Grafana dashboard: change them together.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BusHealth, DeviceHealth } from '../acquisition/health.js';

export interface MetricSources {
  health(): { devices: DeviceHealth[]; buses: BusHealth[] } | undefined;
  uplinkBacklogRecords(): number;
  alarmsActive(): number;
}

export const METRIC_NAMES = [
  'nabo_readings_total',
  'nabo_bus_errors_total',
  'nabo_bus_latency_seconds',
  'nabo_frames_rejected_total',
  'nabo_clearing_latency_seconds',
  'nabo_intervals_total',
  'nabo_uplink_backlog_records',
  'nabo_alarms_active',
] as const;

export class NaboMetrics {
  readonly registry = new Registry();
  private readonly readings: Counter;
  private readonly busLatency: Histogram<'bus'>;
  private readonly clearingLatency: Histogram;
  private readonly intervals: Counter<'outcome'>;

  constructor(sources: MetricSources, labels: { gateway: string }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ gateway: labels.gateway });
    collectDefaultMetrics({ register: this.registry });
    this.readings = new Counter({ name: 'nabo_readings_total', help: 'Readings committed to the store', registers });
    new Counter({
      name: 'nabo_bus_errors_total',
      help: 'Failed reads per bus and error kind (timeout, crc, exception, ...)',
      labelNames: ['bus', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const d of sources.health()?.devices ?? []) for (const [kind, n] of Object.entries(d.errorsByKind)) this.inc({ bus: d.busId, kind }, n);
      },
    });
    this.busLatency = new Histogram({
      name: 'nabo_bus_latency_seconds',
      help: 'Time from request to decoded answer of a polled read',
      labelNames: ['bus'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    new Counter({
      name: 'nabo_frames_rejected_total',
      help: 'Frames or values rejected per device and reason (crc, range, counter-backwards, ...)',
      labelNames: ['device', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const d of sources.health()?.devices ?? []) for (const [reason, n] of Object.entries(d.rejectedByReason)) this.inc({ device: d.deviceId, reason }, n);
      },
    });
    this.clearingLatency = new Histogram({
      name: 'nabo_clearing_latency_seconds',
      help: 'Time from gate closure to a final clearing result',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.intervals = new Counter({ name: 'nabo_intervals_total', help: 'Market intervals by outcome', labelNames: ['outcome'], registers });
    // Both outcomes exist from the start, so rate() works before the first grid-only interval.
    this.intervals.inc({ outcome: 'final' }, 0);
    this.intervals.inc({ outcome: 'grid-only' }, 0);
    new Gauge({
      name: 'nabo_uplink_backlog_records',
      help: 'Outbox records not yet acknowledged upstream',
      registers,
      collect() {
        this.set(sources.uplinkBacklogRecords());
      },
    });
    new Gauge({
      name: 'nabo_alarms_active',
      help: 'Alarms raised and not cleared',
      registers,
      collect() {
        this.set(sources.alarmsActive());
      },
    });
  }

  readingsStored(count: number): void {
    if (count > 0) this.readings.inc(count);
  }

  busRead(busId: string, latencyMs: number): void {
    this.busLatency.observe({ bus: busId }, latencyMs / 1000);
  }

  intervalCleared(outcome: 'final' | 'grid-only', clearingLatencyMs: number | null): void {
    this.intervals.inc({ outcome });
    if (clearingLatencyMs !== null) this.clearingLatency.observe(clearingLatencyMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
