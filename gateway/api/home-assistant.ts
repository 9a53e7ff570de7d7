// Optional Home Assistant MQTT discovery of the building's main quantities. Thin on purpose: a
// versioned mapping table (below) is all that knows HA's vocabulary, each sensor has its own
// plain numeric state topic (no templates for HA to reinterpret), and only long-standing
// discovery keys are used. A changed mapping gets a new version and a line in docs/api.md.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { RealClock } from '../clock/clock.js';
import { readPackageVersion } from '../cli/package-info.js';
import type { NaboConfig } from '../config/schema.js';
import type { Service, ServiceContext } from '../services/service.js';
import { latestValues, type AcquisitionSource } from './acquisition-source.js';
import type { HomeAssistantConfig } from './config.js';
import { powerFlows, valuesByDevice, type PowerFlows } from './status-view.js';
import { StoreQueries } from './store-queries.js';

export const HA_MAPPING_VERSION = 1;

type Role = NaboConfig['devices'][number]['role'];

interface SensorMapping {
  key: string;
  name: string;
  /** The device role that must exist for the sensor to make sense. */
  needs: Role;
  deviceClass: 'power' | 'energy' | 'battery';
  unit: 'W' | 'Wh' | '%';
  stateClass: 'measurement' | 'total_increasing';
  value(flows: PowerFlows, gridCounters: { importWh: number | null; exportWh: number | null }): number | null;
}

/** Mapping v1: nabo's quantities → HA sensors. */
export const HA_SENSORS: ReadonlyArray<SensorMapping> = [
  { key: 'grid_power', name: 'Grid power', needs: 'grid-meter', deviceClass: 'power', unit: 'W', stateClass: 'measurement', value: (f) => f.gridW },
  { key: 'pv_power', name: 'PV power', needs: 'pv', deviceClass: 'power', unit: 'W', stateClass: 'measurement', value: (f) => f.pvW },
  { key: 'battery_power', name: 'Battery power', needs: 'battery', deviceClass: 'power', unit: 'W', stateClass: 'measurement', value: (f) => f.batteryW },
  { key: 'battery_soc', name: 'Battery state of charge', needs: 'battery', deviceClass: 'battery', unit: '%', stateClass: 'measurement', value: (f) => f.socPercent },
  { key: 'load_power', name: 'Load power', needs: 'grid-meter', deviceClass: 'power', unit: 'W', stateClass: 'measurement', value: (f) => f.loadW },
  { key: 'grid_import_energy', name: 'Grid import energy', needs: 'grid-meter', deviceClass: 'energy', unit: 'Wh', stateClass: 'total_increasing', value: (_f, c) => c.importWh },
  { key: 'grid_export_energy', name: 'Grid export energy', needs: 'grid-meter', deviceClass: 'energy', unit: 'Wh', stateClass: 'total_increasing', value: (_f, c) => c.exportWh },
];

export interface MqttMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

export function topics(ha: HomeAssistantConfig, gatewayId: string) {
  const base = `${ha.statePrefix}/${gatewayId}`;
  return {
    availability: `${base}/availability`,
    state: (key: string) => `${base}/${key}`,
    config: (key: string) => `${ha.discoveryPrefix}/sensor/${gatewayId}_${key}/config`,
    haStatus: `${ha.discoveryPrefix}/status`,
  };
}

/** The retained discovery configs; sensors whose device role is absent are removed (empty payload). */
export function discoveryMessages(ha: HomeAssistantConfig, config: Pick<NaboConfig, 'gateway' | 'devices'>, version: string): MqttMessage[] {
  const t = topics(ha, config.gateway.id);
  const roles = new Set(config.devices.map((d) => d.role));
  const device = { identifiers: [`nabo_${config.gateway.id}`], name: config.gateway.name ?? `nabo ${config.gateway.id}`, manufacturer: 'nabo', model: 'gateway', sw_version: version };
  return HA_SENSORS.map((s) => ({
    topic: t.config(s.key),
    retain: true,
    payload: roles.has(s.needs)
      ? JSON.stringify({
          name: s.name,
          unique_id: `nabo_${config.gateway.id}_${s.key}`,
          state_topic: t.state(s.key),
          availability_topic: t.availability,
          device_class: s.deviceClass,
          unit_of_measurement: s.unit,
          state_class: s.stateClass,
          device,
        })
      : '',
  }));
}

/** One state message per sensor that has a value now. */
export function stateMessages(ha: HomeAssistantConfig, config: Pick<NaboConfig, 'gateway' | 'devices'>, latest: Parameters<typeof valuesByDevice>[0]): MqttMessage[] {
  const values = valuesByDevice(latest);
  const flows = powerFlows(config, values);
  const grid = config.devices.filter((d) => d.role === 'grid-meter').map((d) => values.get(d.id)?.values);
  const counter = (q: 'energyImportWh' | 'energyExportWh'): number | null => grid.reduce<number | null>((sum, v) => (v?.[q] ? (sum ?? 0) + v[q].value : sum), null);
  const counters = { importWh: counter('energyImportWh'), exportWh: counter('energyExportWh') };
  const roles = new Set(config.devices.map((d) => d.role));
  const t = topics(ha, config.gateway.id);
  return HA_SENSORS.flatMap((s) => {
    const v = roles.has(s.needs) ? s.value(flows, counters) : null;
    return v === null ? [] : [{ topic: t.state(s.key), payload: String(Math.round(v * 10) / 10), retain: false }];
  });
}

export interface HomeAssistantServiceOptions {
  config: HomeAssistantConfig;
  acquisition?: AcquisitionSource;
  realClock?: Clock;
}

export class HomeAssistantService implements Service {
  readonly name = 'home-assistant';
  private client: MqttClient | undefined;
  private timer: TimerHandle | undefined;
  private realClock: Clock | undefined;
  private availabilityTopic: string | undefined;
  private log: ServiceContext['log'] | undefined;

  constructor(private readonly options: HomeAssistantServiceOptions) {}

  start(ctx: ServiceContext): void {
    const ha = this.options.config;
    if (!ha.enabled) return;
    const broker = ha.mqtt;
    if (!broker) throw new Error('api.homeAssistant.mqtt must name Home Assistant\'s broker when api.homeAssistant.enabled is true');
    const t = topics(ha, ctx.config.gateway.id);
    this.log = ctx.log;
    this.availabilityTopic = t.availability;
    const version = readPackageVersion();
    const queries = new StoreQueries(ctx.store);
    const opts: IClientOptions = {
      clientId: `nabo-ha-${ctx.config.gateway.id}`,
      // mqtt-packet's default pre-allocates 65 536 Buffers for packet ids (~8 MB of a 100 MB budget; bench:gateway).
      writeCache: false,
      will: { topic: t.availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
      reconnectPeriod: 5000,
      ...(broker.username !== undefined ? { username: broker.username } : {}),
      ...(broker.password !== undefined ? { password: broker.password } : {}),
    };
    const client = connect(broker.url, opts);
    this.client = client;
    const publish = (messages: MqttMessage[], qos: 0 | 1): void => {
      for (const m of messages) client.publish(m.topic, m.payload, { retain: m.retain, qos });
    };
    const announce = (): void => {
      publish([{ topic: t.availability, payload: 'online', retain: true }, ...discoveryMessages(ha, ctx.config, version)], 1);
      publishState();
    };
    const publishState = (): void => {
      if (!client.connected) return;
      publish(stateMessages(ha, ctx.config, latestValues(this.options.acquisition, queries, ctx.clock.now())), 0);
    };
    client.on('connect', () => {
      ctx.log.info({ broker: broker.url, mapping: HA_MAPPING_VERSION }, 'home assistant discovery published');
      client.subscribe(t.haStatus, { qos: 1 });
      announce();
    });
    // HA announces itself after a restart; the discovery configs go out again then.
    client.on('message', (topic, payload) => {
      if (topic === t.haStatus && payload.toString() === 'online') announce();
    });
    client.on('error', (err) => ctx.log.warn({ err, broker: broker.url }, 'home assistant broker error; retrying'));
    this.realClock = this.options.realClock ?? new RealClock();
    this.timer = this.realClock.setInterval(publishState, ha.statePeriodS * 1000);
  }

  async stop(): Promise<void> {
    this.realClock?.clear(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected && this.availabilityTopic) {
      // The will covers a crash; a clean stop says offline itself (the will is not sent then).
      await client.publishAsync(this.availabilityTopic, 'offline', { retain: true, qos: 1 }).catch((err: unknown) => this.log?.warn({ err }, 'could not announce offline to home assistant'));
    }
    await client.endAsync(!client.connected);
  }
}
