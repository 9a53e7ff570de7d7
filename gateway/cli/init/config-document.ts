// The nabo.yaml that `nabo init` writes: built as plain data from the answers, checked with
// the same validateConfig as `nabo config check` before anything is written, and printed as
// YAML with a header that says where it came from and what is still to do.
import { stringify } from 'yaml';
import type { ScanFinding } from '../../acquisition/scan.js';
import { validateConfig, type ConfigProblem } from '../../config/load.js';
import { CONFIG_VERSION } from '../../config/schema.js';
import { roleOf } from './discover.js';

export interface InitAnswers {
  gatewayId: string;
  name?: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  dataDir: string;
  /** Market specifics, written to the `market` section (disabled until the roster lists this gateway). */
  brokerUrl?: string;
  caFile?: string;
  blockId?: string;
  rosterFile?: string;
}

export type RawBus = Record<string, unknown> & { id: string; kind: string };
export interface DeviceFields {
  bus: string;
  model: string;
  role: 'grid-meter' | 'pv' | 'battery' | 'load' | 'sub-meter';
  unitId?: number;
  name?: string;
}
export type RawDevice = DeviceFields & { id: string };

export class Hardware {
  readonly buses: RawBus[] = [];
  readonly devices: RawDevice[] = [];

  private freeId(base: string, taken: ReadonlyArray<{ id: string }>): string {
    if (!taken.some((t) => t.id === base)) return base;
    for (let n = 2; ; n++) if (!taken.some((t) => t.id === `${base}-${n}`)) return `${base}-${n}`;
  }

  addBus(base: string, bus: Record<string, unknown> & { kind: string }): string {
    const id = this.freeId(base, this.buses);
    this.buses.push({ id, ...bus });
    return id;
  }

  addDevice(base: string, device: DeviceFields): string {
    const id = this.freeId(base, this.devices);
    this.devices.push({ id, ...device });
    return id;
  }

  hasGridMeter(): boolean {
    return this.devices.some((d) => d.role === 'grid-meter');
  }

  /** Devices for what a Modbus scan found on a bus; unrecognised units are left out. */
  addFindings(busId: string, findings: readonly ScanFinding[], accept: (f: ScanFinding) => boolean = () => true): string[] {
    const added: string[] = [];
    for (const f of findings) {
      if (!f.model || !accept(f)) continue;
      const role = roleOf(f, this.hasGridMeter());
      added.push(this.addDevice(role === 'sub-meter' ? `meter-${f.unitId}` : role, { bus: busId, model: f.model, unitId: f.unitId, role, name: f.description }));
    }
    return added;
  }
}

export function configDocument(a: InitAnswers, hw: Hardware): Record<string, unknown> {
  return {
    version: CONFIG_VERSION,
    gateway: { id: a.gatewayId, ...(a.name ? { name: a.name } : {}), dataDir: a.dataDir, timeZone: a.timeZone },
    site: { latitude: a.latitude, longitude: a.longitude },
    buses: hw.buses,
    devices: hw.devices,
    ...(a.brokerUrl || a.blockId || a.rosterFile
      ? {
          market: {
            enabled: false,
            ...(a.blockId ? { blockId: a.blockId } : {}),
            ...(a.rosterFile ? { rosterFile: a.rosterFile } : {}),
            ...(a.brokerUrl ? { broker: { url: a.brokerUrl, username: a.gatewayId, ...(a.caFile ? { caFile: a.caFile } : {}) } } : {}),
          },
        }
      : {}),
    // The dashboard and API on this box only; `nabo status` reads it.
    api: { listen: { host: '127.0.0.1', port: 8080 } },
  };
}

/** Validates with an empty environment: the file must be valid on its own, secrets aside. */
export function checkDocument(doc: Record<string, unknown>): ConfigProblem[] {
  const r = validateConfig(structuredClone(doc), {});
  return r.ok ? [] : r.problems;
}

export function configYaml(doc: Record<string, unknown>, a: InitAnswers, createdAtIso: string): string {
  const header = [
    `# Written by \`nabo init\` at ${createdAtIso}. Check it with \`nabo config check\`, test the devices`,
    '# with `nabo check`; the full field list is in deploy/nabo.schema.json.',
  ];
  if (a.brokerUrl) header.push('# MQTT password: set NABO_MQTT_PASSWORD in /etc/nabo/nabo.env rather than here.');
  if (a.blockId || a.rosterFile) header.push('# market.enabled stays false until the roster lists this gateway and its key.');
  return `${header.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}
