// One gateway config (`nabo.yaml`) per building of a running fleet, from its listing: a bus per
// TCP endpoint, RTU bus, HAN port, P1 port and Firmata board, and a device per unit or S0 pin,
// with the model names of protocols/devices. Each config is checked against the gateway's
// own schema before it is written.
import path from 'node:path';
import { stringify } from 'yaml';
import { validateConfig, type ConfigProblem } from './load.js';
import { CONFIG_VERSION } from './schema.js';
import type { FleetListing, ListedBuilding, ListedDevice } from '../../device-sim/fleet/listing.js';

type Raw = Record<string, unknown>;

const GATEWAY_MODEL: Record<Exclude<ListedDevice['kind'], 'modbus'>, string> = {
  sdm630: 'eastron-sdm630',
  'sunspec-inverter': 'sunspec',
  'sunspec-storage': 'sunspec',
  han: 'han',
  p1: 'dsmr-p1',
  's0-board': 's0',
};

const ROLE: Record<Exclude<ListedDevice['kind'], 's0-board' | 'modbus'>, string> = {
  sdm630: 'grid-meter',
  'sunspec-inverter': 'pv',
  'sunspec-storage': 'battery',
  han: 'grid-meter',
  p1: 'grid-meter',
};

export interface GatewayConfigOptions {
  /** Each gateway's data directory is `<dataRoot>/<building id>`. */
  dataRoot: string;
}

export function gatewayConfigFor(listing: FleetListing, blockId: string, building: ListedBuilding, options: GatewayConfigOptions): Raw {
  const block = listing.blocks.find((b) => b.id === blockId);
  const buses: Raw[] = [];
  const busByKey = new Map<string, string>();
  const devices: Raw[] = [];
  const busFor = (key: string, make: (id: string) => Raw, preferredId: string): string => {
    const known = busByKey.get(key);
    if (known) return known;
    let id = preferredId;
    for (let n = 2; buses.some((b) => b.id === id); n++) id = `${preferredId}-${n}`;
    busByKey.set(key, id);
    buses.push(make(id));
    return id;
  };
  for (const d of building.devices) {
    const e = d.endpoint;
    const model = d.kind === 'modbus' ? (d.model ?? '') : GATEWAY_MODEL[d.kind];
    switch (e.transport) {
      case 'modbus-tcp': {
        const bus = busFor(`tcp:${e.host}:${e.port}`, (id) => ({ id, kind: 'modbus-tcp', host: e.host, port: e.port, timeoutMs: 1000 }), `tcp-${d.localId}`);
        devices.push(modbusDevice(d, bus, e.unitId, model, building, listing.clock.mode === 'simulated' ? listing.clock.speed : 1));
        break;
      }
      case 'modbus-rtu': {
        const bus = busFor(`rtu:${e.path}`, (id) => ({ id, kind: 'modbus-rtu', path: e.path, baudRate: e.baudRate, parity: e.parity, dataBits: e.dataBits, stopBits: e.stopBits, timeoutMs: 500 }), d.bus ?? 'rs485');
        devices.push(modbusDevice(d, bus, e.unitId, model, building, listing.clock.mode === 'simulated' ? listing.clock.speed : 1));
        break;
      }
      case 'han': {
        const bus = busFor(`han:${e.path}`, (id) => ({ id, kind: 'han', path: e.path, baudRate: e.baudRate, parity: e.parity }), `han-${d.localId}`);
        devices.push({ id: d.localId, name: `${d.identity.manufacturer ?? ''} ${d.identity.model}`.trim(), bus, model, role: ROLE.han });
        break;
      }
      case 'dsmr-p1': {
        const bus = busFor(`p1:${e.path}`, (id) => ({ id, kind: 'dsmr-p1', path: e.path, baudRate: e.baudRate }), `p1-${d.localId}`);
        devices.push({ id: d.localId, name: d.identity.model, bus, model, role: ROLE.p1 });
        break;
      }
      case 'firmata': {
        const bus = busFor(`firmata:${e.path}`, (id) => ({ id, kind: 'firmata', path: e.path, baudRate: e.baudRate }), d.localId);
        for (const pin of e.s0Pins) {
          devices.push({
            id: `${d.localId}-pin${pin.pin}`,
            name: `S0 ${pin.quantity}`,
            bus,
            model,
            role: pin.quantity === 'pvEnergyWh' ? 'pv' : 'grid-meter',
            pin: pin.pin,
            impulsesPerKWh: pin.pulsesPerKWh,
          });
        }
        break;
      }
    }
  }
  const config: Raw = {
    version: CONFIG_VERSION,
    gateway: {
      id: building.id,
      name: building.name ?? `Building ${building.id} (simulated)`,
      dataDir: path.join(options.dataRoot, building.id),
      timeZone: 'Europe/Oslo',
      intervalMinutes: 15,
    },
    site: block ? { latitude: block.site.latitude, longitude: block.site.longitude } : { latitude: 63.43, longitude: 10.4 },
    // A simulated fleet's gateways run the same simulated time; they start later than the
    // fleet, so the clock is anchored to the fleet's real start and catches up at start-up.
    clock:
      listing.clock.mode === 'real'
        ? { mode: 'real' }
        : { mode: 'simulated', startAt: listing.clock.startAt, speed: listing.clock.speed, ...(listing.clock.realStartedAt ? { anchoredAt: listing.clock.realStartedAt } : {}) },
    buses,
    devices,
    market: { enabled: false, blockId },
  };
  return config;
}

/**
 * Poll periods a bus can carry at the fleet's speed: a real-time fleet gets the defaults (1 s
 * fast, 60 s slow); an accelerated one stretches the fast period so a read takes at most about
 * a tenth of a real second of simulated time between polls.
 */
export function pollFor(speed: number): { fastMs: number; slowMs: number } {
  const fastMs = Math.max(1000, Math.ceil((speed * 100) / 1000) * 1000);
  return { fastMs, slowMs: Math.max(60_000, fastMs) };
}

function modbusDevice(d: ListedDevice, bus: string, unitId: number, model: string, building: ListedBuilding, speed: number): Raw {
  // A hybrid inverter's energy counters are its grid meter's, so it is read as the building's grid meter.
  const role = d.kind === 'modbus' ? ({ 'grid-meter': 'grid-meter', pv: 'pv', battery: 'battery', hybrid: 'grid-meter' } as const)[d.role ?? 'grid-meter'] : ROLE[d.kind as Exclude<ListedDevice['kind'], 's0-board' | 'modbus'>];
  const out: Raw = { id: d.localId, name: `${d.identity.manufacturer ?? ''} ${d.identity.model}`.trim(), bus, model, role, unitId: unitId === 0 ? 1 : unitId };
  if (speed > 1) out.poll = pollFor(speed);
  if (d.kind === 'sunspec-inverter' && building.pvKWp) out.ratedPowerW = Math.ceil(building.pvKWp * 1000 * 1.2);
  return out;
}

export interface GeneratedConfig {
  buildingId: string;
  blockId: string;
  /** Relative to the output directory: `<building>/nabo.yaml`. */
  file: string;
  yaml: string;
}

export type GeneratedConfigs = { ok: true; configs: GeneratedConfig[] } | { ok: false; buildingId: string; problems: ConfigProblem[] };

/** Every building's config, each validated by the gateway's schema. */
export function gatewayConfigs(listing: FleetListing, options: GatewayConfigOptions): GeneratedConfigs {
  const configs: GeneratedConfig[] = [];
  for (const block of listing.blocks) {
    for (const building of block.buildings) {
      const raw = gatewayConfigFor(listing, block.id, building, options);
      const checked = validateConfig(raw, {});
      if (!checked.ok) return { ok: false, buildingId: building.id, problems: checked.problems };
      const header = `# Gateway config for simulated building ${building.id} (block ${block.id}), written by \`nabo sim configs\`.\n`;
      configs.push({ buildingId: building.id, blockId: block.id, file: path.join(building.id, 'nabo.yaml'), yaml: header + stringify(raw) });
    }
  }
  return { ok: true, configs };
}
