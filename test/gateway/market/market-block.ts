// A block of MarketService instances in one test process: one store, event bus and MQTT client
// each, a real Mosquitto with passwords and the roster's ACL, all on one simulated clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { canonicalJson } from '../../../core/canonical-json.js';
import { SimulatedClock, type Clock } from '../../../gateway/clock/clock.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { EventBus, type Alarm } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { marketConfigSchema } from '../../../gateway/market/config.js';
import { MarketService, type MarketServiceOptions } from '../../../gateway/market/market-service.js';
import { mosquittoAcl } from '../../../gateway/market/mosquitto-acl.js';
import { gateClosureMs } from '../../../gateway/market/order-rules.js';
import { intervalMsOf, type Roster } from '../../../gateway/market/roster.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { StatusBoard, type ServiceContext } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { OPERATOR, signed, type District } from './market-fixtures.js';

export const passwordOf = (user: string): string => `pw-${user}`;

export interface Gateway {
  id: string;
  service: MarketService;
  store: Store;
  events: EventBus;
  alarms: Alarm[];
  ctx: ServiceContext;
}

/** Each building's forecast: a deterministic mix of buyers and sellers that changes per interval. */
export function testForecast(gatewayId: string) {
  const n = [...gatewayId].reduce((s, c) => s + c.charCodeAt(0), 0);
  return (T: number) => {
    const k = Math.floor(T / 900_000);
    const consumptionWh = 300 + ((n * 37 + k * 11) % 700);
    const pvWh = (n + k) % 3 === 0 ? 1200 + ((n * 13 + k * 7) % 500) : (n + k) % 3 === 1 ? 100 : 0;
    return { consumptionWh, pvWh };
  };
}

/** A gateway clock that reads `offsetMs` off the shared simulated clock (timers are relative, so they shift with it). */
export class OffsetClock implements Clock {
  constructor(
    private readonly base: Clock,
    private readonly offsetMs: number,
  ) {}
  get speed(): number {
    return this.base.speed;
  }
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  setTimeout(fn: () => void, delayMs: number) {
    return this.base.setTimeout(fn, delayMs);
  }
  setInterval(fn: () => void, periodMs: number) {
    return this.base.setInterval(fn, periodMs);
  }
  clear(handle: Parameters<Clock['clear']>[0]): void {
    this.base.clear(handle);
  }
  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(durationMs, signal);
  }
}

export class MarketBlock {
  readonly dir = mkdtempSync(join(tmpdir(), 'nabo-market-'));
  private brokerOrNull: TestBroker | null = null;
  readonly gateways = new Map<string, Gateway>();
  readonly clock: SimulatedClock;
  readonly roster: Roster;
  private readonly log = createLogger({ level: 'silent' });

  constructor(
    readonly district: District,
    startMs: number,
    /** A speed lets the bench run the clock in real time around gate closure (stepped by hand otherwise). */
    clockSpeed?: number,
    /** The bench's "before" rows turn the order cache off. */
    private readonly serviceOptions: Pick<MarketServiceOptions, 'baseline'> = {},
  ) {
    this.roster = district.roster;
    this.clock = new SimulatedClock({ startMs, ...(clockSpeed !== undefined ? { speed: clockSpeed } : {}) });
  }

  /** The block's broker (password per member, the roster's ACL, persistent sessions), once started. */
  get broker(): TestBroker {
    if (!this.brokerOrNull) throw new Error('MarketBlock.start() has not started the broker yet');
    return this.brokerOrNull;
  }

  get intervalMs(): number {
    return intervalMsOf(this.roster);
  }

  async start(ids: readonly string[] = this.district.gatewayIds, clocks: ReadonlyMap<string, Clock> = new Map(), timeoutMs = 10_000): Promise<void> {
    const users = Object.fromEntries([['operator', passwordOf('operator')], ...this.district.gatewayIds.map((g) => [g, passwordOf(g)])]);
    this.brokerOrNull = await TestBroker.start({ users, acl: mosquittoAcl(this.roster), persistence: true, maxPacketBytes: 1024 * 1024 });
    await this.publishAsOperator(marketTopics(this.roster.marketId).roster, signed(this.roster), true);
    for (const id of ids) await this.startGateway(id, clocks.get(id) ?? this.clock);
    await this.until(() => [...this.gateways.values()].every((g) => g.service.connected && g.service.roster !== undefined), 'all gateways connected with a roster', timeoutMs).catch((err: Error) => {
      const missing = [...this.gateways.values()].filter((g) => !g.service.connected || g.service.roster === undefined).map((g) => `${g.id}${g.service.connected ? '' : ' (not connected)'}`);
      throw new Error(`${err.message}; missing ${missing.length}: ${missing.slice(0, 5).join(', ')}`);
    });
  }

  async startGateway(id: string, clock: Clock = this.clock): Promise<Gateway> {
    const store = Store.open(join(this.dir, `${id}.db`));
    const events = new EventBus();
    const alarms: Alarm[] = [];
    events.on('alarm', (a) => alarms.push(a));
    const ctx: ServiceContext = {
      config: configSchema.parse({ version: 1, gateway: { id, dataDir: this.dir } }),
      clock,
      log: this.log,
      store,
      events,
      status: new StatusBoard(),
    };
    const market = marketConfigSchema.parse({
      enabled: true,
      marketId: this.roster.marketId,
      operatorPublicKey: OPERATOR.publicKey,
      broker: { url: this.broker.url, username: id, password: passwordOf(id), maxPayloadBytes: 64 * 1024 },
      gridMeterDeviceId: 'grid-meter',
    });
    const service = new MarketService({ market, identity: this.district.identities.get(id)!, forecast: testForecast(id), ...this.serviceOptions });
    await service.start(ctx);
    const g = { id, service, store, events, alarms, ctx };
    this.gateways.set(id, g);
    return g;
  }

  /** A raw MQTT client logged in as `user` (an attacker with a member's password, or the operator). */
  async rawClient(user: string): Promise<MqttClient> {
    const c = connect(this.broker.url, { protocolVersion: 5, username: user, password: passwordOf(user), clientId: `raw-${user}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    return c;
  }

  async publishAsOperator(topic: string, value: unknown, retain: boolean): Promise<void> {
    const c = await this.rawClient('operator');
    await c.publishAsync(topic, canonicalJson(value), { qos: 1, retain });
    await c.endAsync();
  }

  /** Resolves when `predicate` holds, re-checked on every service update; fails after `timeoutMs` of real time. */
  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offs: Array<() => void> = [];
      const done = (err?: Error): void => {
        clearTimeout(timer);
        for (const off of offs) off();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for: ${what}`)), timeoutMs);
      const check = (): void => {
        if (predicate()) done();
      };
      for (const g of this.gateways.values()) offs.push(g.service.onUpdate(check));
    });
  }

  gate(T: number): number {
    return gateClosureMs(this.roster, T);
  }

  /** Runs one interval to the votes: orders, gate closure + skew (snapshot), snapshot window (votes). */
  async runInterval(T: number, live: readonly string[], options: { expectOrders?: number; expectFinal?: readonly string[]; slackMs?: number; afterOrders?: () => Promise<void> } = {}): Promise<void> {
    const p = this.roster.parameters;
    const slack = options.slackMs ?? 0;
    const liveGateways = live.map((id) => this.gateways.get(id)!);
    await this.clock.advanceTo(this.gate(T) - 30_000 + slack);
    const expectOrders = options.expectOrders ?? live.length;
    await this.until(() => liveGateways.every((g) => g.service.ordersHeld(T) >= expectOrders), `${expectOrders} orders held for ${new Date(T).toISOString()}`);
    await options.afterOrders?.();
    await this.clock.advanceTo(this.gate(T) + p.clockSkewMs + slack);
    await this.until(() => liveGateways.every((g) => (g.service.round(T)?.snapshots.size ?? 0) > 0), 'a snapshot at every live gateway');
    await this.clock.advance(p.snapshotWindowMs + slack);
    const finals = (options.expectFinal ?? live).map((id) => this.gateways.get(id)!);
    await this.until(() => finals.every((g) => g.service.round(T)?.status === 'final'), `final at ${finals.map((g) => g.id).join(', ')}`);
  }

  async dispose(): Promise<void> {
    for (const g of this.gateways.values()) {
      await g.service.stop();
      g.store.close();
    }
    await this.brokerOrNull?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
