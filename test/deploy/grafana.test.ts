import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The metric names agreed with the API engineer (gateway/api serves them on /metrics). */
const METRICS = ['nabo_readings_total', 'nabo_bus_errors_total', 'nabo_bus_latency_seconds', 'nabo_frames_rejected_total', 'nabo_clearing_latency_seconds', 'nabo_intervals_total', 'nabo_uplink_backlog_records', 'nabo_alarms_active'];
/** Labels the dashboard groups by, beyond Prometheus's own instance and le. */
const LABELS = ['device', 'bus', 'kind', 'reason', 'outcome', 'instance', 'le'];

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  targets: Array<{ expr: string; refId: string }>;
}

const dashboard = JSON.parse(readFileSync('deploy/grafana/nabo-gateway.json', 'utf8')) as { uid: string; panels: Panel[]; __inputs: Array<{ name: string }> };

describe('Grafana dashboard deploy/grafana/nabo-gateway.json', () => {
  it('shows every agreed metric and no other nabo metric', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const used = new Set(exprs.flatMap((e) => e.match(/nabo_[a-z_]+/g) ?? []).map((m) => m.replace(/_(bucket|sum|count)$/, '')));
    expect([...used].sort()).toEqual([...METRICS].sort());
  });

  it('groups only by labels the gateway exports, and reads histograms through their buckets', () => {
    for (const p of dashboard.panels) {
      for (const t of p.targets) {
        for (const m of t.expr.matchAll(/by \(([^)]*)\)/g)) for (const label of (m[1] ?? '').split(',').map((s) => s.trim())) expect(LABELS, `${p.title}: ${label}`).toContain(label);
        if (/_seconds/.test(t.expr)) expect(t.expr, p.title).toMatch(/histogram_quantile\(0\.\d+, sum by \(le[^)]*\) \(rate\(nabo_[a-z_]+_seconds_bucket/);
        expect(t.expr.split('(').length, `${p.title}: unbalanced parentheses`).toBe(t.expr.split(')').length);
      }
    }
  });

  it('imports anywhere: the data source is an input, panel ids are unique', () => {
    expect(dashboard.__inputs.map((i) => i.name)).toEqual(['DS_PROMETHEUS']);
    expect(dashboard.panels.every((p) => p.datasource.uid === '${DS_PROMETHEUS}')).toBe(true);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.uid).toBe('nabo-gateway');
  });
});
