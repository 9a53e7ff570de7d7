import { afterEach, describe, expect, it } from 'vitest';
import { ApiService } from '../../../gateway/api/api-service.js';
import { apiConfigSchema } from '../../../gateway/api/config.js';
import { METRIC_NAMES } from '../../../gateway/api/metrics.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { harness, httpGet } from './api-harness.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('/metrics', () => {
  it('exposes the gateway counters and process metrics in Prometheus text format that parses line by line', async () => {
    const h = harness(new SimulatedClock({ startMs: T0 }));
    cleanup.push(() => h.close());
    const health = new HealthRegistry();
    const api = new ApiService({
      config: apiConfigSchema.parse({ listen: { port: 0 } }),
      acquisition: { health: () => health.snapshot(), latest: () => [], onReadLatency: (l) => health.onReadLatency(l) },
    });
    await api.start(h.ctx);
    cleanup.push(() => api.stop());

    health.recordSuccess('grid', 'lan', T0, 12);
    health.recordSuccess('pv', 'lan', T0, 80);
    health.recordSuccess('grid', 'lan', T0, 700);
    health.recordSuccess('ams-meter', 'han', T0, 0); // a push frame: no latency to observe
    health.recordError('grid', 'lan', T0, 'timeout', 'no answer');
    health.recordError('pv', 'lan', T0, 'timeout', 'no answer');
    health.recordError('pv', 'lan', T0, 'crc', 'bad crc');
    health.recordRejection('ams-meter', 'han', 'crc');
    health.recordRejection('ams-meter', 'han', 'crc');
    health.recordRejection('grid', 'lan', 'counter-backwards');
    h.ctx.events.emit('readingsFlushed', { count: 5, atMs: T0 });
    h.ctx.events.emit('readingsFlushed', { count: 7, atMs: T0 });
    h.ctx.events.emit('intervalCleared', { intervalStartMs: T0, outcome: 'final', clearingLatencyMs: 1200 });
    h.ctx.events.emit('intervalCleared', { intervalStartMs: T0 + 900_000, outcome: 'grid-only', clearingLatencyMs: null, reason: 'no majority' });
    h.ctx.events.emit('alarm', { code: 'disk-full', severity: 'critical', message: 'full', atMs: T0 });
    h.ctx.store.outbox.enqueue({ id: 'a', kind: 'trade', payload: '{}', createdMs: T0 });
    h.ctx.store.outbox.enqueue({ id: 'b', kind: 'trade', payload: '{}', createdMs: T0 });

    const r = await httpGet(`${api.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain; version=0.0.4');
    const m = parsePrometheusText(r.body);
    for (const name of METRIC_NAMES) expect(m.has(name), name).toBe(true);
    expect(m.get('nabo_bus_latency_seconds')?.type).toBe('histogram');
    expect(m.get('nabo_clearing_latency_seconds')?.type).toBe('histogram');
    expect(sampleValue(m, 'nabo_readings_total')).toBe(12);
    expect(sampleValue(m, 'nabo_bus_errors_total', { bus: 'lan', kind: 'timeout' })).toBe(2);
    expect(sampleValue(m, 'nabo_bus_errors_total', { bus: 'lan', kind: 'crc' })).toBe(1);
    expect(sampleValue(m, 'nabo_bus_latency_seconds_count', { bus: 'lan' })).toBe(3);
    expect(sampleValue(m, 'nabo_bus_latency_seconds_bucket', { bus: 'lan', le: '0.025' })).toBe(1);
    expect(sampleValue(m, 'nabo_bus_latency_seconds_bucket', { bus: 'lan', le: '0.1' })).toBe(2);
    expect(sampleValue(m, 'nabo_bus_latency_seconds_sum', { bus: 'lan' })).toBeCloseTo(0.792, 6);
    expect(() => sampleValue(m, 'nabo_bus_latency_seconds_count', { bus: 'han' })).toThrow(/0 samples/);
    expect(sampleValue(m, 'nabo_frames_rejected_total', { device: 'ams-meter', reason: 'crc' })).toBe(2);
    expect(sampleValue(m, 'nabo_frames_rejected_total', { device: 'grid', reason: 'counter-backwards' })).toBe(1);
    expect(sampleValue(m, 'nabo_clearing_latency_seconds_count')).toBe(1);
    expect(sampleValue(m, 'nabo_clearing_latency_seconds_sum')).toBe(1.2);
    expect(sampleValue(m, 'nabo_intervals_total', { outcome: 'final' })).toBe(1);
    expect(sampleValue(m, 'nabo_intervals_total', { outcome: 'grid-only' })).toBe(1);
    expect(sampleValue(m, 'nabo_uplink_backlog_records')).toBe(2);
    expect(sampleValue(m, 'nabo_alarms_active')).toBe(1);
    expect(sampleValue(m, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(m.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(m.has('nodejs_heap_size_used_bytes')).toBe(true);
    // Every series carries the gateway's id, so one Prometheus can scrape a whole block.
    expect(m.get('nabo_readings_total')?.samples[0]?.labels).toEqual({ gateway: 'gw-1' });

    // Counters read from health stay monotonic across scrapes.
    health.recordError('grid', 'lan', T0, 'timeout', 'no answer');
    const again = parsePrometheusText((await httpGet(`${api.url}/metrics`)).body);
    expect(sampleValue(again, 'nabo_bus_errors_total', { bus: 'lan', kind: 'timeout' })).toBe(3);
  });

  it('two gateways in one process keep their own registries', async () => {
    const a = harness(new SimulatedClock({ startMs: T0 }));
    const b = harness(new SimulatedClock({ startMs: T0 }));
    cleanup.push(() => a.close(), () => b.close());
    const apiA = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 } }) });
    const apiB = new ApiService({ config: apiConfigSchema.parse({ listen: { port: 0 } }) });
    await apiA.start(a.ctx);
    await apiB.start(b.ctx);
    cleanup.push(() => apiA.stop(), () => apiB.stop());
    a.ctx.events.emit('readingsFlushed', { count: 3, atMs: T0 });
    expect(sampleValue(parsePrometheusText((await httpGet(`${apiA.url}/metrics`)).body), 'nabo_readings_total')).toBe(3);
    expect(sampleValue(parsePrometheusText((await httpGet(`${apiB.url}/metrics`)).body), 'nabo_readings_total')).toBe(0);
  });

  it('the test parser refuses malformed exposition lines', () => {
    const ok = '# HELP x_total a\n# TYPE x_total counter\nx_total{a="b"} 1\n';
    expect(parsePrometheusText(ok).get('x_total')?.samples).toEqual([{ name: 'x_total', labels: { a: 'b' }, value: 1 }]);
    for (const bad of [
      '# TYPE x counter\nx{a=b} 1\n',
      '# TYPE x counter\nx{a="b" 1\n',
      '# TYPE x counter\nx 1 2 3\n',
      '# TYPE x counter\nx one\n',
      'y 1\n',
      '# TYPE x counter\nx 1\nx 2\n',
      '# TYPE x wobble\n',
      '# TYPE x counter\nx 1',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    ]) {
      expect(() => parsePrometheusText(bad), bad).toThrow();
    }
  });
});
