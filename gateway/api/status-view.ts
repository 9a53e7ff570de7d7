// /api/status (and `nabo status`): one JSON document of what the gateway is doing now, built
// from the acquisition's health and latest values, the config's device roles and whatever the
// other services publish on the status board. Pure: the service gathers the inputs.
import { isQuantity, unitOf } from '../../core/quantities.js';
import type { BusHealth, DeviceHealth } from '../acquisition/health.js';
import type { LatestReading } from '../acquisition/acquisition.js';
import type { NaboConfig } from '../config/schema.js';
import type { LatestValue } from './store-queries.js';

export type DeviceState = 'ok' | 'failing' | 'silent' | 'unknown';

export interface StatusInputs {
  config: Pick<NaboConfig, 'gateway' | 'devices'>;
  nowMs: number;
  startedAtMs: number;
  devices: DeviceHealth[];
  buses: BusHealth[];
  /** Latest values per device, from acquisition or from the store. */
  latest: LatestReading[] | LatestValue[];
  /** States announced on the event bus (deviceHealthChanged), which win over the derived one. */
  announcedStates: ReadonlyMap<string, DeviceState>;
  /** Status board sections other than acquisition (market, uplink, control, ...). */
  sections: Record<string, unknown>;
  uplinkBacklogRecords: number;
  alarmsActive: number;
  version: string;
}

export interface PowerFlows {
  gridW: number | null;
  pvW: number | null;
  batteryW: number | null;
  loadW: number | null;
  socPercent: number | null;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

type Values = Record<string, { value: number; unit: string }>;

/** Latest values as `{ deviceId: { at, values: { quantity: {value, unit} } } }`. */
export function valuesByDevice(latest: StatusInputs['latest']): Map<string, { atMs: number; values: Values }> {
  const out = new Map<string, { atMs: number; values: Values }>();
  for (const l of latest) {
    if ('values' in l) {
      const values: Values = {};
      for (const [q, v] of Object.entries(l.values)) if (typeof v === 'number') values[q] = { value: v, unit: isQuantity(q) ? unitOf(q) : '' };
      out.set(l.deviceId, { atMs: l.atMs, values });
    } else {
      const entry = out.get(l.deviceId) ?? { atMs: l.atMs, values: {} };
      entry.values[l.quantity] = { value: l.value, unit: l.unit };
      entry.atMs = Math.max(entry.atMs, l.atMs);
      out.set(l.deviceId, entry);
    }
  }
  return out;
}

function deriveState(h: DeviceHealth | undefined): DeviceState {
  if (!h || h.lastSuccessMs === null) return h && h.lastErrorMs !== null ? 'failing' : 'unknown';
  if (h.lastErrorMs !== null && h.lastErrorMs > h.lastSuccessMs) return 'failing';
  return 'ok';
}

/** Grid, PV, battery and load power from the devices' roles; load is what the balance leaves. */
export function powerFlows(config: Pick<NaboConfig, 'devices'>, values: Map<string, { values: Values }>): PowerFlows {
  const sum = (role: string, pick: (v: Values) => number | undefined): number | null => {
    let total: number | null = null;
    for (const d of config.devices) {
      if (d.role !== role) continue;
      const v = values.get(d.id)?.values;
      const x = v ? pick(v) : undefined;
      if (x !== undefined) total = (total ?? 0) + x;
    }
    return total;
  };
  const gridW = sum('grid-meter', (v) => v.powerW?.value ?? (v.powerImportW && v.powerExportW ? v.powerImportW.value - v.powerExportW.value : undefined));
  const pvW = sum('pv', (v) => v.pvAcPowerW?.value ?? v.powerW?.value);
  const batteryW = sum('battery', (v) => v.batteryPowerW?.value);
  const socPercent = sum('battery', (v) => v.socPercent?.value);
  const loadW = gridW === null ? null : gridW + (pvW ?? 0) + (batteryW ?? 0);
  return { gridW, pvW, batteryW, loadW, socPercent };
}

export function buildStatus(inp: StatusInputs): Record<string, unknown> {
  const values = valuesByDevice(inp.latest);
  const health = new Map(inp.devices.map((d) => [d.deviceId, d]));
  const ids = [...new Set([...inp.config.devices.map((d) => d.id), ...health.keys(), ...values.keys()])];
  const devices = ids.map((id) => {
    const cfg = inp.config.devices.find((d) => d.id === id);
    const h = health.get(id);
    const v = values.get(id);
    return {
      id,
      name: cfg?.name ?? null,
      role: cfg?.role ?? null,
      model: cfg?.model ?? null,
      bus: cfg?.bus ?? h?.busId ?? null,
      state: inp.announcedStates.get(id) ?? deriveState(h),
      reads: h?.reads ?? 0,
      lastSuccessAt: iso(h?.lastSuccessMs),
      lastErrorAt: iso(h?.lastErrorMs),
      lastError: h?.lastError ?? null,
      errorsByKind: h?.errorsByKind ?? {},
      rejectedByReason: h?.rejectedByReason ?? {},
      meanLatencyMs: h?.meanLatencyMs === null || h?.meanLatencyMs === undefined ? null : Math.round(h.meanLatencyMs * 10) / 10,
      valuesAt: iso(v?.atMs),
      values: v?.values ?? {},
    };
  });
  const { market, uplink, control, ...others } = inp.sections;
  return {
    gatewayId: inp.config.gateway.id,
    name: inp.config.gateway.name ?? null,
    version: inp.version,
    now: iso(inp.nowMs),
    startedAt: iso(inp.startedAtMs),
    uptimeS: Math.round((inp.nowMs - inp.startedAtMs) / 1000),
    flows: powerFlows(inp.config, values),
    devices,
    buses: inp.buses.map((b) => ({ id: b.busId, connected: b.connected, queueDepth: b.queueDepth, reconnects: b.reconnects, cycleOverruns: b.cycleOverruns })),
    market: market ?? null,
    uplink: { backlogRecords: inp.uplinkBacklogRecords, ...(uplink && typeof uplink === 'object' ? uplink : {}) },
    control: control ?? null,
    alarms: { active: inp.alarmsActive },
    sections: others,
  };
}

/** The flows and per-device values alone: what /api/events pushes every second. */
export function liveValues(inp: Pick<StatusInputs, 'config' | 'latest' | 'nowMs'>): Record<string, unknown> {
  const values = valuesByDevice(inp.latest);
  return {
    now: iso(inp.nowMs),
    flows: powerFlows(inp.config, values),
    devices: Object.fromEntries([...values].map(([id, v]) => [id, { at: iso(v.atMs), values: v.values }])),
  };
}
