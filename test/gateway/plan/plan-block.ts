// A district of PlanService instances in one test process: one store, event bus and MQTT
// client each, a real Mosquitto with passwords and the roster's ACL, one simulated clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { canonicalJson } from '../../../core/canonical-json.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { EventBus, type Alarm } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { marketConfigSchema } from '../../../gateway/market/config.js';
import { mosquittoAcl } from '../../../gateway/market/mosquitto-acl.js';
import type { Roster } from '../../../gateway/market/roster.js';
import { planConfigSchema, type PlanConfigInput } from '../../../gateway/plan/config.js';
import { PlanService } from '../../../gateway/plan/plan-service.js';
import { StatusBoard, type ServiceContext } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import type { District } from '../market/market-fixtures.js';
import { dayForecast } from './plan-fixtures.js';

export const passwordOf = (user: string): string => `pw-${user}`;
export const TIME_ZONE = 'Europe/Oslo';

export interface PlanGateway {
  id: string;
  service: PlanService;
  store: Store;
  alarms: Alarm[];
  ctx: ServiceContext;
}

export class PlanBlock {
  readonly dir = mkdtempSync(join(tmpdir(), 'nabo-plan-'));
  broker: TestBroker | undefined;
  readonly gateways = new Map<string, PlanGateway>();
  readonly clock: SimulatedClock;
  readonly roster: Roster;
  /** Off: the gateways have no roster yet (it comes retained on the market's connection, maybe late). */
  rosterAvailable = true;
  private readonly log = createLogger({ level: 'silent' });

  constructor(
    readonly district: District,
    startMs: number,
    readonly planConfig: PlanConfigInput,
  ) {
    this.roster = district.roster;
    this.clock = new SimulatedClock({ startMs });
  }

  async start(): Promise<void> {
    const users: Record<string, string> = { operator: passwordOf('operator') };
    for (const g of this.district.gatewayIds) users[g] = passwordOf(g);
    this.broker = await TestBroker.start({ users, acl: mosquittoAcl(this.roster) });
    for (const id of this.district.gatewayIds) await this.startGateway(id);
    await this.until(() => [...this.gateways.values()].every((g) => g.service.connected), 'all gateways connected');
  }

  /** Starts a gateway's PlanService (again, after a restart, on the same store file). */
  async startGateway(id: string): Promise<PlanGateway> {
    const store = Store.open(join(this.dir, `${id}.db`));
    const events = new EventBus();
    const alarms: Alarm[] = [];
    events.on('alarm', (a) => alarms.push(a));
    const ctx: ServiceContext = {
      config: configSchema.parse({ version: 1, gateway: { id, dataDir: this.dir, timeZone: TIME_ZONE } }),
      clock: this.clock,
      log: this.log,
      store,
      events,
      status: new StatusBoard(),
    };
    const f = dayForecast(id, 0, 96);
    const market = marketConfigSchema.parse({
      enabled: true,
      marketId: this.roster.marketId,
      operatorPublicKey: this.roster.operatorPublicKey,
      broker: { url: this.broker!.url, username: id, password: passwordOf(id), maxPayloadBytes: 256 * 1024 },
      gridMeterDeviceId: 'grid-meter',
      ...(f.hasBattery ? { battery: { deviceId: `${id}-battery`, capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000 } } : {}),
    });
    const service = new PlanService({
      plan: planConfigSchema.parse({ enabled: true, ...this.planConfig }),
      market,
      roster: () => (this.rosterAvailable ? this.roster : undefined),
      identity: this.district.identities.get(id)!,
      forecast: (targets) => {
        const d = dayForecast(id, targets[0]!, targets.length);
        return { consumptionWh: d.consumptionWh, pvWh: d.pvWh };
      },
      batterySocPercent: () => 50,
    });
    await service.start(ctx);
    const g = { id, service, store, alarms, ctx };
    this.gateways.set(id, g);
    return g;
  }

  async stopGateway(id: string): Promise<void> {
    const g = this.gateways.get(id)!;
    await g.service.stop();
    g.store.close();
    this.gateways.delete(id);
  }

  /** A raw MQTT client logged in as `user` (an attacker with a member's password). */
  async rawClient(user: string): Promise<MqttClient> {
    const c = connect(this.broker!.url, { protocolVersion: 5, username: user, password: passwordOf(user), clientId: `raw-${user}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    return c;
  }

  async publishRaw(user: string, topic: string, value: unknown): Promise<void> {
    const c = await this.rawClient(user);
    await c.publishAsync(topic, typeof value === 'string' ? value : canonicalJson(value), { qos: 1 });
    await c.endAsync();
  }

  /** Resolves when `predicate` holds, re-checked on every service update; fails after `timeoutMs` of real time. */
  until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
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

  async dispose(): Promise<void> {
    for (const id of [...this.gateways.keys()]) await this.stopGateway(id);
    await this.broker?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
