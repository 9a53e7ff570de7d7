// What the parts of the market service share (schedule, orders, consensus, settlement, status):
// the gateway's identity, clock and store, the roster and prices in force, the intervals in
// play, the broker link, and the ways to tell the world (alarm, publish, changed). One object
// per service, so each part stays a small file that reads and writes the same state.
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { ServiceContext } from '../services/service.js';
import type { MarketConfig } from './config.js';
import type { GatewayIdentity } from './identity.js';
import type { MarketLink } from './market-link.js';
import { MarketRound } from './market-round.js';
import type { MarketStore } from './market-store.js';
import { OrderIntake } from './order-intake.js';
import type { MemberIndex } from './order-rules.js';
import { blockPricesFor, PriceListHolder, type BlockPrices } from './prices.js';
import type { RejectionCounter } from './rejections.js';
import type { RosterHolder, Roster } from './roster.js';
import { marketTopics } from './topics.js';
import { VerifiedOrders } from './verified-orders.js';

export interface MarketServiceOptions {
  market: MarketConfig;
  /** The identity to sign with; read from market.keyFile when absent. */
  identity?: GatewayIdentity;
  /** Overrides the forecast from the store (tests, the demo's simulator truth). */
  forecast?: (intervalStartMs: number) => { consumptionWh: number; pvWh: number };
  /** The battery's state of charge now, percent; without it no battery flexibility is offered. */
  batterySocPercent?: () => number | undefined;
  /**
   * Measurement only (bench:market's "before" rows): check every order of a snapshot again,
   * publish snapshots with every order in them and check every vote on arrival, as gateways did
   * before the order cache, the order references and the deferred late votes. Results and
   * hashes are the same either way.
   */
  baseline?: boolean;
}

export class MarketContext {
  readonly gatewayId: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly topics: ReturnType<typeof marketTopics>;
  readonly prices = new PriceListHolder();
  readonly intake = new OrderIntake();
  /** Orders whose signature this gateway checked, so a snapshot need not check them again. */
  readonly verified: VerifiedOrders;
  readonly rounds = new Map<number, MarketRound>();
  /** What this gateway did; votesChecked counts vote signature checks, votesDeferred the votes held for the deadline once final. */
  readonly tally = { ordersSent: 0, snapshotsSent: 0, snapshotsWanted: 0, snapshotsResent: 0, votesSent: 0, votesChecked: 0, votesDeferred: 0, finals: 0, gridOnly: 0 };
  members: MemberIndex | undefined;
  link: MarketLink | undefined;
  /** Vote signature checks running on the thread pool; stop() waits for them. */
  readonly checksRunning = new Set<Promise<void>>();
  /** Set by stop(): clearings still running when it came must not write to a closed store. */
  stopped = false;
  private readonly timers = new Set<TimerHandle>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly ctx: ServiceContext,
    readonly options: MarketServiceOptions,
    readonly identity: GatewayIdentity,
    readonly rosterHolder: RosterHolder,
    readonly store: MarketStore,
    readonly rejections: RejectionCounter,
  ) {
    this.gatewayId = ctx.config.gateway.id;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.topics = marketTopics(options.market.marketId);
    this.verified = new VerifiedOrders(options.baseline ? 0 : undefined);
  }

  get roster(): Roster | undefined {
    return this.rosterHolder.current;
  }

  pricesOf(roster: Roster, intervalStartMs: number): BlockPrices[] {
    const iso = new Date(intervalStartMs).toISOString();
    return blockPricesFor(roster, iso, this.prices.forInterval(iso)?.payload ?? null).prices;
  }

  roundFor(intervalStartMs: number): MarketRound | undefined {
    let r = this.rounds.get(intervalStartMs);
    if (!r && this.roster && this.members) {
      r = new MarketRound(intervalStartMs, this.roster, this.members);
      this.rounds.set(intervalStartMs, r);
    }
    return r;
  }

  publish(topic: string, value: unknown): void {
    this.link?.publish(topic, value);
  }

  /** Runs `fn` at clock time `atMs`; a task that throws is logged, the schedule goes on. */
  at(atMs: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'market: timer task failed');
      }
    }, atMs - this.clock.now());
    this.timers.add(handle);
  }

  clearTimers(): void {
    for (const t of this.timers) this.clock.clear(t);
    this.timers.clear();
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  alarm(code: string, severity: Alarm['severity'], message: string, details: Record<string, unknown>, cleared = false): void {
    const alarm: Alarm = { code, severity, message, atMs: this.clock.now(), details, ...(cleared ? { cleared } : {}) };
    this.ctx.events.emit('alarm', alarm);
    this.log.warn({ code, ...details }, message);
    this.publish(this.topics.of('alarm', this.gatewayId), { gatewayId: this.gatewayId, ...alarm });
  }
}
