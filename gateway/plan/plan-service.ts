// The day-ahead plan as a daemon service (docs/market-protocol.md, "The day-ahead plan"). At
// `publishAt` on the day before, publish this building's signed forecast; at the end of
// collection the plan day's coordinator publishes a signed snapshot of the forecasts it holds;
// every gateway verifies it, solves the community schedule and votes on the plan's hash; a
// majority of equal votes makes the plan final. Without one by the deadline the gateway plans
// its building alone. Control reads the plan in force through plannedBatteryW.
import { isAbsolute, join } from 'node:path';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { MarketConfig } from '../market/config.js';
import type { FinalityCertificate } from '../market/finality.js';
import { readKeyFile, type GatewayIdentity } from '../market/identity.js';
import { MemberIndex } from '../market/order-rules.js';
import { PriceListHolder } from '../market/prices.js';
import { RejectionCounter } from '../market/rejections.js';
import type { Roster } from '../market/roster.js';
import type { PlanConfig } from './config.js';
import { PlanLink } from './plan-link.js';
import type { SignedPlanForecast } from './plan-messages.js';
import { signedOwnForecast, type ForecastSource } from './plan-own-forecast.js';
import type { PlanRound } from './plan-round.js';
import { solveAlonePlan, type DayAheadPlan } from './plan-schedule.js';
import { WorkerPlanSolver } from './plan-solver.js';
import type { VerifiedPlanSnapshot } from './plan-snapshot.js';
import { PlanStore, type PlanRow } from './plan-store.js';
import { nextPlanDay, planDayCovering, planDayStarting } from './plan-timing.js';
import { plannedBatteryWIn, planStatus, planView } from './plan-view.js';
import { PlanVoting, type PlanVotingHost } from './plan-voting.js';

const RETRY_MS = 30_000;

export interface PlanServiceOptions {
  plan: PlanConfig;
  /** The market's section: broker credentials, battery, meters, key file. */
  market: MarketConfig;
  /** The roster in force (the market service holds it). */
  roster: () => Roster | undefined;
  identity?: GatewayIdentity;
  /** Overrides the forecast from the store (tests, the demo's simulator truth). */
  forecast?: ForecastSource;
  batterySocPercent?: () => number | undefined;
}

export class PlanService implements Service {
  readonly name = 'plan';
  private ctx!: ServiceContext;
  private log!: Logger;
  private clock!: Clock;
  private identity!: GatewayIdentity;
  private gatewayId!: string;
  private planStore!: PlanStore;
  private link: PlanLink | undefined;
  private members: { roster: Roster; index: MemberIndex } | undefined;
  private readonly prices = new PriceListHolder();
  readonly rejections = new RejectionCounter();
  private voting!: PlanVoting;
  private solver: WorkerPlanSolver | undefined;
  /** The plan in force per day (final or alone), as stored. */
  private readonly plans = new Map<number, PlanRow>();
  private readonly timers = new Set<TimerHandle>();
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  readonly tally = { forecastsSent: 0, finals: 0, alone: 0 };

  constructor(private readonly options: PlanServiceOptions) {}

  async start(ctx: ServiceContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.stopped = false;
    this.gatewayId = ctx.config.gateway.id;
    const m = this.options.market;
    if (this.options.identity) this.identity = this.options.identity;
    else {
      const key = readKeyFile(isAbsolute(m.keyFile) ? m.keyFile : join(ctx.config.gateway.dataDir, m.keyFile));
      if (!key.ok) throw new Error(`plan: ${key.error.detail}`);
      this.identity = key.value;
    }
    this.planStore = new PlanStore(ctx.store);
    this.solver = new WorkerPlanSolver((why) => this.log.warn(`plan: ${why}; solving in the main thread`));
    this.voting = new PlanVoting(this.votingHost());
    // A restart keeps following the plans it held.
    for (const row of this.planStore.plans(m.marketId, this.clock.now() - 2 * 86_400_000)) this.plans.set(row.planStartMs, row);
    ctx.status.provide(this.name, () => this.status());
    this.link = new PlanLink(m.broker, this.gatewayId, m.marketId, this.log, {
      forecast: (f, from) => this.voting.offerForecast(f, from),
      snapshot: (s, from) => this.voting.onSnapshot(s, from),
      vote: (v, from) => this.voting.onVote(v, from),
      prices: (raw) => this.onPrices(raw),
      reject: (reason, member) => this.rejections.add(reason, member),
      changed: () => this.changed(),
    });
    this.link.connect();
    this.scheduleDay();
    // Without a plan for today (first start, or started after the deadline), plan alone now.
    this.at(this.clock.now(), () => void this.ensureAlone(planDayCovering(this.clock.now(), this.options.plan, this.timeZone).planStartMs, 'no-plan-at-start'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.clock?.clear(t);
    this.timers.clear();
    this.ctx?.status.remove(this.name);
    await this.link?.disconnect();
    this.link = undefined;
    await this.solver?.close();
  }

  /** Drops the broker connection at once (a cut cable); `reconnect` resumes the same session. */
  disconnect = async (): Promise<void> => this.link?.disconnect();
  reconnect = (): void => this.link?.connect();

  get connected(): boolean { return this.link?.connected ?? false; }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  round = (planStartMs: number): PlanRound | undefined => this.voting?.rounds.get(planStartMs);

  /** The plan in force for the day starting at `planStartMs` (final or alone). */
  planFor(planStartMs: number): PlanRow | undefined {
    return this.plans.get(planStartMs);
  }

  get store(): PlanStore {
    return this.planStore;
  }

  /**
   * The plan's battery power at `atMs`, W, > 0 discharging (ControlTarget.plannedW's sign), for
   * a gateway id, building id or this gateway's battery device id; undefined without a plan
   * covering `atMs` or without a battery in it.
   */
  plannedBatteryW(key: string, atMs: number): number | undefined {
    return plannedBatteryWIn(this.plans.values(), key === this.options.market.battery?.deviceId ? this.gatewayId : key, atMs);
  }

  private get timeZone(): string {
    return this.ctx.config.gateway.timeZone;
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  private at(atMs: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (this.stopped) return;
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'plan: timer task failed');
      }
    }, Math.max(0, atMs - this.clock.now()));
    this.timers.add(handle);
  }

  private memberIndex(): { roster: Roster; index: MemberIndex } | undefined {
    const roster = this.options.roster();
    if (!roster) return undefined;
    if (this.members?.roster !== roster) this.members = { roster, index: new MemberIndex(roster) };
    return this.members;
  }

  /** Schedules the next plan day: publish, coordinate, deadline; then the day after. */
  private scheduleDay(): void {
    const day = nextPlanDay(this.clock.now(), this.options.plan, this.timeZone);
    const P = day.planStartMs;
    this.at(day.publishMs, () => this.publishForecast(P));
    this.at(day.collectEndMs, () => this.scheduleAttempts(P, day.collectEndMs));
    this.at(day.deadlineMs, () => {
      void this.deadline(P);
      this.scheduleDay();
    });
  }

  private scheduleAttempts(P: number, collectEndMs: number): void {
    const roster = this.options.roster();
    if (!roster) return this.log.warn('plan: no roster at the end of collection; no snapshot');
    const p = roster.parameters;
    for (let a = 0; a < p.maxCoordinatorAttempts; a++) this.at(collectEndMs + p.clockSkewMs + a * p.coordinatorTimeoutMs, () => this.voting.coordinate(P, a));
  }

  private votingHost(): PlanVotingHost {
    return {
      gatewayId: this.gatewayId,
      seed: this.identity.seed,
      steps: this.options.plan.horizonIntervals,
      collectEndMs: (P) => {
        const day = planDayStarting(P, this.options.plan, this.timeZone);
        return day.planStartMs === P ? day.collectEndMs : undefined;
      },
      now: () => this.clock.now(),
      members: () => this.memberIndex(),
      priceList: (planStart) => this.prices.forInterval(planStart),
      publish: (type, signed) => this.link?.publish(type, signed),
      at: (atMs, fn) => this.at(atMs, fn),
      alarm: (code, severity, message, details) => this.alarm(code, severity, message, details),
      reject: (reason, member) => this.rejections.add(reason, member),
      stopped: () => this.stopped,
      changed: () => this.changed(),
      final: (round, snapshot, plan, planHash, certificate) => this.onFinal(round, snapshot, plan, planHash, certificate),
      disagree: (round, reason) => void this.ensureAlone(round.planStartMs, reason),
      ...(this.solver ? { solve: this.solver.solve } : {}),
    };
  }

  private onFinal(round: PlanRound, snapshot: VerifiedPlanSnapshot, plan: DayAheadPlan, planHash: string, certificate: FinalityCertificate): void {
    // A plan made without this building (its forecast missed the snapshot) says nothing about its battery: keep planning alone.
    if (!plan.buildings.some((b) => b.gatewayId === this.gatewayId)) {
      round.reason = 'final-without-this-building';
      this.changed();
      return void this.ensureAlone(round.planStartMs, round.reason);
    }
    const row: Omit<PlanRow, 'updatedMs'> = { marketId: round.roster.marketId, planStartMs: round.planStartMs, status: 'final', reason: null, planHash, rosterVersion: round.roster.version, snapshot: snapshot.envelope, plan, certificate };
    this.planStore.savePlan(row, this.clock.now());
    const wasAlone = round.status === 'alone';
    this.plans.set(round.planStartMs, { ...row, updatedMs: this.clock.now() });
    round.status = 'final';
    round.reason = null;
    this.tally.finals++;
    if (wasAlone) this.alarm('plan-no-majority', 'info', `a late certificate made the plan for ${round.planStart} final`, { planStart: round.planStart }, true);
    this.changed();
  }

  private buildOwnForecast(P: number): SignedPlanForecast | undefined {
    const m = this.memberIndex();
    if (!m || !m.index.byGateway(this.gatewayId)) return undefined;
    return signedOwnForecast({ roster: m.roster, gatewayId: this.gatewayId, planStartMs: P, nowMs: this.clock.now(), options: this.options, config: this.ctx.config, store: this.ctx.store, seed: this.identity.seed });
  }

  private publishForecast(P: number): void {
    const signed = this.buildOwnForecast(P);
    // The roster may still be on its way (retained on the market's connection): try again while collecting.
    if (!signed) return this.retry(planDayStarting(P, this.options.plan, this.timeZone).collectEndMs, () => this.publishForecast(P), 'no forecast published');
    // Stored before it leaves the box; taken into our own round at once (the broker's echo may not come).
    this.planStore.saveOwnForecast(signed.payload.marketId, P, signed, this.clock.now());
    this.voting.offerForecast(signed, this.gatewayId);
    this.link?.publish('forecast', signed);
    this.tally.forecastsSent++;
  }

  private onPrices(raw: unknown): void {
    const roster = this.options.roster();
    if (!roster) return this.rejections.add('no-roster', 'operator');
    const p = this.prices.offer(raw, roster);
    if (!p.ok && p.error.kind !== 'older') this.rejections.add(`prices-${p.error.kind}`, 'operator');
  }

  private async deadline(P: number): Promise<void> {
    const round = this.voting.roundFor(P);
    if (round?.status === 'final' || this.plans.get(P)?.status === 'final') return;
    const counts = round?.tally.counts() ?? [];
    const reason = round?.tally.certificate() ? 'final-plan-unseen' : 'no-majority';
    this.alarm(`plan-${reason}`, 'warning', `no final day-ahead plan for ${new Date(P).toISOString()} by the deadline; planning this building alone`, { planStart: new Date(P).toISOString(), votes: counts });
    await this.ensureAlone(P, reason);
  }

  /** Plans this building alone for the day starting at P, unless a plan is already in force. */
  private async ensureAlone(P: number, reason: string): Promise<void> {
    if (this.plans.get(P)?.status === 'final' || (this.plans.has(P) && reason === 'no-plan-at-start')) return;
    const m = this.memberIndex();
    const me = m?.index.byGateway(this.gatewayId);
    if (!m || !me) return this.retry(P + 86_400_000, () => void this.ensureAlone(P, reason), 'cannot plan alone');
    const forecast = this.planStore.ownForecast(m.roster.marketId, P) ?? this.buildOwnForecast(P);
    if (!forecast) return;
    const solved = await solveAlonePlan({ roster: m.roster, planStartMs: P, steps: forecast.payload.steps, forecasts: [{ forecast: forecast.payload, member: me }], prices: this.prices.forInterval(new Date(P).toISOString())?.payload ?? null }, this.solver?.solve);
    if (this.stopped || !solved.plan || this.plans.get(P)?.status === 'final') return;
    const row: Omit<PlanRow, 'updatedMs'> = { marketId: m.roster.marketId, planStartMs: P, status: 'alone', reason, planHash: solved.planHash, rosterVersion: m.roster.version, snapshot: null, plan: solved.plan, certificate: null };
    if (!this.planStore.savePlan(row, this.clock.now())) return;
    this.plans.set(P, { ...row, updatedMs: this.clock.now() });
    const round = this.voting.rounds.get(P);
    if (round && round.status !== 'final') {
      round.status = 'alone';
      round.reason = reason;
    }
    this.tally.alone++;
    this.changed();
  }

  private retry(untilMs: number, fn: () => void, what: string): void {
    this.log.warn(`plan: no roster or not a member; ${what}`);
    if (this.clock.now() + RETRY_MS < untilMs) this.at(this.clock.now() + RETRY_MS, fn);
  }

  private alarm(code: string, severity: Alarm['severity'], message: string, details: Record<string, unknown>, cleared = false): void {
    this.ctx.events.emit('alarm', { code, severity, message, atMs: this.clock.now(), details, ...(cleared ? { cleared } : {}) });
    this.log.warn({ code, ...details }, message);
  }

  status(): Record<string, unknown> {
    const now = this.clock.now();
    const days = { current: planDayCovering(now, this.options.plan, this.timeZone).planStartMs, next: nextPlanDay(now, this.options.plan, this.timeZone).planStartMs };
    const counters = { ...(this.link?.counters ?? {}), ...this.tally, ...(this.voting?.counters ?? {}), solvesInWorker: this.solver?.counters.inWorker ?? 0, solvesInThread: this.solver?.counters.inThread ?? 0 };
    return planStatus({ gatewayId: this.gatewayId, connected: this.connected, roster: this.options.roster(), view: (P) => planView(P, this.voting?.rounds.get(P), this.plans.get(P), this.options.roster()), days, rejections: this.rejections, counters });
  }
}
