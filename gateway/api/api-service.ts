// The API service: dashboard, JSON API, Server-Sent Events and /metrics on one node:http
// server (api.listen; loopback unless a token guards it). It only reads: the store, the status
// board, the acquisition's health and the alarms it hears on the event bus.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock.js';
import type { BusHealth, DeviceHealth } from '../acquisition/health.js';
import { RealClock } from '../clock/clock.js';
import { readPackageVersion } from '../cli/package-info.js';
import type { Service, ServiceContext } from '../services/service.js';
import { healthFromStatus, latestValues, type AcquisitionSource } from './acquisition-source.js';
import { AlarmLog } from './alarm-log.js';
import { isLoopbackHost, type ApiConfig } from './config.js';
import { loadDashboardAssets } from './dashboard-assets.js';
import { marketIntervalView, type MarketIntervalView } from './market-view.js';
import { NaboMetrics } from './metrics.js';
import { createHandler } from './routes.js';
import { SseHub } from './sse-hub.js';
import { buildStatus, liveValues, type DeviceState } from './status-view.js';
import { StoreQueries } from './store-queries.js';

export interface ApiServiceOptions {
  config: ApiConfig;
  /** Devices, buses, latest values and read latencies; without it the `health` status section and the store. */
  acquisition?: AcquisitionSource;
  /** Real time for pushes to browsers whatever clock the gateway runs on. */
  realClock?: Clock;
  /** Live values pushed on /api/events every this many real ms. */
  pushPeriodMs?: number;
}

const PUSH_KINDS = new Set(['han', 'dsmr-p1']);

/** The part of the market service's status section read here. */
type MarketSection = { intervals?: Array<{ intervalStart?: string; status?: string } | undefined> };

export class ApiService implements Service {
  readonly name = 'api';
  private server: Server | undefined;
  private sse: SseHub | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private context: ServiceContext | undefined;
  private metricsInstance: NaboMetrics | undefined;

  constructor(private readonly options: ApiServiceOptions) {}

  /** Where the server listens (after start): the port is the real one when 0 was asked for. */
  address(): { host: string; port: number } | undefined {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? { host: a.address, port: a.port } : undefined;
  }

  get url(): string | undefined {
    const a = this.address();
    if (!a) return undefined;
    const host = a.host.includes(':') ? `[${a.host}]` : a.host;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${a.port}`;
  }

  get metrics(): NaboMetrics | undefined {
    return this.metricsInstance;
  }

  async start(ctx: ServiceContext): Promise<void> {
    const { config } = this.options;
    if (!config.enabled) {
      ctx.log.info('api disabled (api.enabled: false)');
      return;
    }
    if (!isLoopbackHost(config.listen.host) && config.token === undefined) {
      throw new Error(`api.token is required to listen on ${config.listen.host} (not loopback); set it or NABO_API_TOKEN`);
    }
    this.context = ctx;
    const realClock = this.options.realClock ?? new RealClock();
    const startedAtMs = ctx.clock.now();
    const version = readPackageVersion();
    const queries = new StoreQueries(ctx.store);
    const alarms = new AlarmLog(config.alarmHistory);
    const announced = new Map<string, DeviceState>();
    const source = this.options.acquisition;
    const health = (): { devices: DeviceHealth[]; buses: BusHealth[] } | undefined => (source ? source.health() : healthFromStatus(ctx.status.snapshot().health));
    const gatherStatus = (): Record<string, unknown> => {
      const { health: _shownAsDevices, ...sections } = ctx.status.snapshot();
      const h = health();
      const nowMs = ctx.clock.now();
      if (sections.market && typeof sections.market === 'object') sections.market = { ...marketNow(sections.market as MarketSection, nowMs), ...sections.market };
      return buildStatus({
        config: ctx.config,
        nowMs,
        startedAtMs,
        devices: h?.devices ?? [],
        buses: h?.buses ?? [],
        latest: latestValues(source, queries, nowMs),
        announcedStates: announced,
        sections,
        uplinkBacklogRecords: queries.outboxBacklog(),
        alarmsActive: alarms.activeCount,
        version,
      });
    };
    // The current and the next interval as the dashboard shows them, from the store and the running round.
    const intervalMs = ctx.config.gateway.intervalMinutes * 60_000;
    const marketNow = (section: MarketSection, nowMs: number): { current: MarketIntervalView; next: MarketIntervalView } => {
      const view = (startMs: number): MarketIntervalView => {
        const iso = new Date(startMs).toISOString();
        const roundStatus = Array.isArray(section.intervals) ? section.intervals.find((r) => r?.intervalStart === iso)?.status : undefined;
        return marketIntervalView({ ...queries.marketInterval(startMs, ctx.config.gateway.id), roundStatus });
      };
      const currentMs = Math.floor(nowMs / intervalMs) * intervalMs;
      return { current: view(currentMs), next: view(currentMs + intervalMs) };
    };
    const metrics = new NaboMetrics({ health, uplinkBacklogRecords: () => queries.outboxBacklog(), alarmsActive: () => alarms.activeCount }, { gateway: ctx.config.gateway.id });
    this.metricsInstance = metrics;
    const pushBuses = new Set(ctx.config.buses.filter((b) => PUSH_KINDS.has(b.kind)).map((b) => b.id));
    const latencyHook = source?.onReadLatency?.((busId, _deviceId, latencyMs) => {
      // Push meters have no request to time; their "reads" would only add zeros.
      if (!pushBuses.has(busId)) metrics.busRead(busId, latencyMs);
    });
    if (latencyHook) this.unsubscribe.push(latencyHook);

    const sse = new SseHub(realClock, this.options.pushPeriodMs ?? 1000, () => {
      const nowMs = ctx.clock.now();
      return [{ event: 'values', data: liveValues({ config: ctx.config, nowMs, latest: latestValues(source, queries, nowMs) }) }];
    });
    this.sse = sse;
    this.unsubscribe.push(
      ctx.events.on('alarm', (a) => {
        alarms.record(a);
        sse.broadcast('alarm', { ...a, at: new Date(a.atMs).toISOString() });
      }),
      ctx.events.on('readingsFlushed', (e) => metrics.readingsStored(e.count)),
      ctx.events.on('intervalCleared', (e) => metrics.intervalCleared(e.outcome, e.clearingLatencyMs)),
      ctx.events.on('deviceHealthChanged', (e) => announced.set(e.deviceId, e.state)),
    );

    const handler = createHandler({ token: config.token, gatewayId: ctx.config.gateway.id, nowMs: () => ctx.clock.now(), status: gatherStatus, queries, alarms, metrics, sse, assets: loadDashboardAssets(), log: ctx.log });
    const server = createServer(handler);
    // A dashboard left open must not keep a stop waiting; requests are small.
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => ctx.log.error({ err }, 'api server error'));
    ctx.status.provide('api', () => ({ url: this.url ?? null, tokenRequired: config.token !== undefined, eventStreams: sse.size, alarmsKept: alarms.recent().length }));
    ctx.log.info({ url: this.url, token: config.token !== undefined }, 'api listening: dashboard, /api, /metrics');
  }

  async stop(): Promise<void> {
    this.context?.status.remove('api');
    for (const u of this.unsubscribe.splice(0)) u();
    this.sse?.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.context?.log.info('api stopped');
  }
}
