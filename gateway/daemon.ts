// The gateway daemon (`nabo run`): the store, the event bus, and a list of services started in
// order and stopped in reverse by the service host. It starts even when every device is absent
// (the buses keep retrying and the log says so), flushes what it holds on stop, and stops
// within a bounded time. A capability is added as a service in `gatewayServices`.
import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { NaboConfig } from './config/schema.js';
import type { Logger } from './log/logger.js';
import { Store } from './store/store.js';
import { EventBus } from './events/events.js';
import type { Acquisition } from './acquisition/acquisition.js';
import { AcquisitionService, type HealthSnapshot } from './acquisition/acquisition-service.js';
import type { BuiltGateway } from './acquisition/build.js';
import type { IntervalJob } from './acquisition/interval-job.js';
import { IntervalEnergyService } from './acquisition/interval-energy-service.js';
import { StoreFlushService } from './store/flush-service.js';
import { RetentionService } from './store/retention-service.js';
import { ServiceHost, type ServiceHostOptions } from './services/service-host.js';
import { StatusBoard, type Service } from './services/service.js';
import { RealClock } from './clock/clock.js';
import { acquisitionSourceOf } from './api/acquisition-source.js';
import { ApiService } from './api/api-service.js';
import { HomeAssistantService } from './api/home-assistant.js';
import { SystemdNotifier, SystemdNotifyService } from './api/systemd-notify.js';
import { ControlService, type ControlTarget } from './control/control-service.js';
import { readKeyFile, type GatewayIdentity } from './market/identity.js';
import { MarketService } from './market/market-service.js';
import { PlanService } from './plan/plan-service.js';
import { RelayService } from './control/relay-service.js';
import type { MarketConfig } from './market/config.js';
import { buildUplinkServices } from './uplink/build.js';
import { AlarmRecordService, intervalEnergyRecorder } from './uplink/gateway-records.js';

export interface GatewayHandle {
  store: Store;
  events: EventBus;
  status: StatusBoard;
  host: ServiceHost;
  acquisition: Acquisition;
  built: BuiltGateway;
  intervals: IntervalJob;
  /** Devices and buses as the HTTP API and metrics show them. */
  health(): HealthSnapshot;
  stop(): Promise<void>;
}

export interface StartGatewayOptions {
  /** Services started after the built-in ones (tests, and capabilities not in the config yet). */
  extraServices?: Service[];
  host?: ServiceHostOptions;
}

export function storePath(config: NaboConfig): string {
  return isAbsolute(config.store.path) ? config.store.path : join(config.gateway.dataDir, config.store.path);
}

/** The gateway's identity, read once when the market or the uplink signs with it. */
function identityFor(config: NaboConfig): GatewayIdentity | undefined {
  if (!config.market?.enabled && !config.uplink?.enabled) return undefined;
  const keyFile = config.market?.keyFile ?? 'identity.key';
  const path = isAbsolute(keyFile) ? keyFile : join(config.gateway.dataDir, keyFile);
  const key = readKeyFile(path);
  if (!key.ok) throw new Error(`identity key ${path}: ${key.error.detail} (create it with \`nabo keys init\`)`);
  return key.value;
}

/** The exchange this gateway traded for the interval holding `atMs`, as average power (W, > 0 importing). */
function tradedTarget(market: MarketService, gatewayId: string, atMs: number): ControlTarget | undefined {
  const roster = market.roster;
  if (!roster) return undefined;
  const intervalMs = roster.parameters.intervalMinutes * 60_000;
  const T = atMs - (atMs % intervalMs);
  if (market.store.interval(T)?.status !== 'final') return undefined;
  const mine = market.store.trades(T).find((t) => t.payload.gatewayId === gatewayId);
  return { targetGridW: ((mine?.payload.energyWh ?? 0) * 3_600_000) / intervalMs };
}

interface RecordContext {
  store: () => Store;
  nowMs: () => number;
}

/** The daemon's services, in start order. */
function gatewayServices(config: NaboConfig, acquisition: AcquisitionService, extra: readonly Service[], log: Logger, records: RecordContext): Service[] {
  const source = acquisitionSourceOf(acquisition);
  const api = config.api;
  const identity = identityFor(config);
  const market = config.market?.enabled ? (config.market as MarketConfig) : undefined;
  const marketService = market && identity ? new MarketService({ market, identity }) : undefined;
  const planService = marketService && market && config.plan?.enabled ? new PlanService({ plan: config.plan, market, roster: () => marketService.roster, ...(identity ? { identity } : {}) }) : undefined;
  // With an uplink, metered interval energy and alarms go to the operator as signed records too.
  const uplinkSeed = config.uplink?.enabled ? identity?.seed : undefined;
  return [
    acquisition,
    new StoreFlushService(),
    new IntervalEnergyService({
      meteringDevices: () =>
        acquisition.acquisition
          .latestReadings()
          .filter((r) => r.values.energyImportWh !== undefined || r.values.energyExportWh !== undefined || r.values.pvEnergyWh !== undefined)
          .map((r) => r.deviceId),
      doubtDuring: (deviceId, fromMs) => {
        const health = acquisition.acquisition.health;
        if (health.markedSince(deviceId, 's0-saturated', fromMs)) return 'S0 pulse output saturated: pulses may be missing';
        if (health.markedSince(deviceId, 'stale', fromMs)) return 'values frozen (stale) during the interval';
        return undefined;
      },
      ...(uplinkSeed ? { withinWrite: intervalEnergyRecorder(records.store, config.gateway.id, uplinkSeed, records.nowMs) } : {}),
    }),
    ...(uplinkSeed ? [new AlarmRecordService(uplinkSeed)] : []),
    new RetentionService(),
    new ControlService({
      sunspecDevice: (id) => acquisition.sunspecDevice(id),
      ...(config.site.connectionCapW !== undefined ? { connectionCapW: config.site.connectionCapW } : {}),
      // Once the interval is final, the building aims at the exchange it traded (grid only: at zero).
      ...(marketService
        ? {
            target: (atMs: number) => {
              const traded = tradedTarget(marketService, config.gateway.id, atMs);
              const battery = config.market?.battery?.deviceId;
              const plannedW = planService && battery ? planService.plannedBatteryW(battery, atMs) : undefined;
              if (!traded && plannedW === undefined) return undefined;
              // A final interval: hold the traded exchange. Otherwise follow the day-ahead plan's battery power.
              if (traded) return { ...traded, ...(plannedW !== undefined ? { plannedW } : {}) };
              return { targetGridW: 0, plannedW: plannedW!, batteryW: plannedW! };
            },
          }
        : {}),
      latest: () => {
        try {
          return acquisition.acquisition.latestReadings();
        } catch {
          return []; // acquisition between restarts: control sees stale data and goes safe
        }
      },
    }),
    // Flexible loads on the Firmata board's relays: switched on surplus, within their guards.
    ...(config.relays.length > 0
      ? [
          new RelayService({
            relays: config.relays,
            board: (busId) => {
              try {
                const bus = acquisition.built.buses.get(busId);
                return bus?.kind === 'firmata' ? bus.port : undefined;
              } catch {
                return undefined; // acquisition between restarts: the relays go fail-safe
              }
            },
            latest: () => {
              try {
                return acquisition.acquisition.latestReadings();
              } catch {
                return [];
              }
            },
            ...(config.site.connectionCapW !== undefined ? { connectionCapW: config.site.connectionCapW } : {}),
          }),
        ]
      : []),
    ...(marketService ? [marketService] : []),
    ...(planService ? [planService] : []),
    ...(identity ? buildUplinkServices({ ...(config.uplink ? { uplink: config.uplink } : {}), ...(config.payment ? { payment: config.payment } : {}), seed: identity.seed }) : []),
    ...extra,
    // The API reads what the services above publish; sd_notify is last: READY once all started.
    ...(api?.enabled && api.homeAssistant.enabled ? [new HomeAssistantService({ config: api.homeAssistant, acquisition: source })] : []),
    ...(api?.enabled ? [new ApiService({ config: api, acquisition: source })] : []),
    new SystemdNotifyService(new SystemdNotifier({ realClock: new RealClock(), log })),
  ];
}

export async function startGateway(config: NaboConfig, clock: Clock, log: Logger, options: StartGatewayOptions = {}): Promise<GatewayHandle> {
  mkdirSync(config.gateway.dataDir, { recursive: true });
  const store = Store.open(storePath(config));
  const events = new EventBus(log);
  const status = new StatusBoard();
  const acquisition = new AcquisitionService();
  const services = gatewayServices(config, acquisition, options.extraServices ?? [], log, { store: () => store, nowMs: () => clock.now() });
  const host = new ServiceHost({ config, clock, log, store, events, status }, services, options.host);
  await host.start();
  const intervals = host.service<IntervalEnergyService>('interval-energy') as IntervalEnergyService;
  log.info({ gateway: config.gateway.id, devices: config.devices.length, buses: config.buses.length, services: services.map((s) => s.name), store: storePath(config) }, 'gateway started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await host.stop();
      store.close();
      log.info('gateway stopped; readings flushed');
    })();
    return stopping;
  };
  return {
    store,
    events,
    status,
    host,
    get acquisition() {
      return acquisition.acquisition;
    },
    get built() {
      return acquisition.built;
    },
    get intervals() {
      return intervals.intervals;
    },
    health: () => acquisition.health(),
    stop,
  };
}
