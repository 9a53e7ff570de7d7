// The day-ahead plan as a daemon service (docs/market-protocol.md, "The day-ahead plan"). At
// `publishAt` on the day before, publish this building's signed forecast; at the end of
// collection the plan day's coordinator publishes a signed snapshot of the forecasts it holds;
// every gateway verifies it, solves the community schedule and votes on the plan's hash; a
// majority of equal votes makes the plan final. Without one by the deadline the gateway plans
// its building alone. Control reads the plan in force through plannedBatteryW.
import { isAbsolute, join } from 'node:path';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { MarketConfig } from '../market/config.js';
import { readKeyFile, type GatewayIdentity } from '../market/identity.js';
import type { VotePayload } from '../market/messages.js';
import { MemberIndex } from '../market/order-rules.js';
import { PriceListHolder } from '../market/prices.js';
import { RejectionCounter } from '../market/rejections.js';
import { intervalMsOf, majorityOf, type Roster } from '../market/roster.js';
import type { PlanConfig } from './config.js';
import { PlanLink } from './plan-link.js';
import { signPlanForecast, signPlanSnapshot, signPlanVote, type SignedPlanForecast, type SignedPlanSnapshot } from './plan-messages.js';
import { ownForecast, type ForecastSource } from './plan-own-forecast.js';
import { PlanRound } from './plan-round.js';
import { checkForecast } from './plan-rules.js';
import { solveAlonePlan, type SolvedPlan } from './plan-schedule.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot } from './plan-snapshot.js';
import { PlanStore, type PlanRow } from './plan-store.js';
import { nextPlanDay, planDayCovering, planDayStarting } from './plan-timing.js';
import { planView, type PlanView } from './plan-view.js';

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
  private readonly rounds = new Map<number, PlanRound>();
  /** The plan in force per day (final or alone), as stored. */
  private readonly plans = new Map<number, PlanRow>();
  private readonly timers = new Set<TimerHandle>();
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  readonly tally = { forecastsSent: 0, snapshotsSent: 0, votesSent: 0, finals: 0, alone: 0 };

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
    // A restart keeps following the plans it held.
    for (const row of this.planStore.plans(m.marketId, this.clock.now() - 2 * 86_400_000)) this.plans.set(row.planStartMs, row);
    ctx.status.provide(this.name, () => this.status());
    this.link = new PlanLink(m.broker, this.gatewayId, m.marketId, this.log, {
      forecast: (f, from) => this.onForecast(f, from),
      snapshot: (s, from) => this.onSnapshot(s, from),
      vote: (v, from) => this.onVote(v, from),
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
  }

  /** Drops the broker connection at once (a cut cable); `reconnect` resumes the same session. */
  async disconnect(): Promise<void> {
    await this.link?.disconnect();
  }

  reconnect(): void {
    this.link?.connect();
  }

  get connected(): boolean {
    return this.link?.connected ?? false;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  round(planStartMs: number): PlanRound | undefined {
    return this.rounds.get(planStartMs);
  }

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
    const own = key === this.options.market.battery?.deviceId ? this.gatewayId : key;
    let best: PlanRow | undefined;
    for (const row of this.plans.values()) {
      const intervalMs = row.plan.intervalMinutes * 60_000;
      if (atMs < row.planStartMs || atMs >= row.planStartMs + row.plan.steps * intervalMs) continue;
      if (!best || row.planStartMs > best.planStartMs) best = row;
    }
    if (!best) return undefined;
    const intervalMs = best.plan.intervalMinutes * 60_000;
    const b = best.plan.buildings.find((x) => x.gatewayId === own || x.buildingId === own);
    const wh = b?.batteryWh?.[Math.floor((atMs - best.planStartMs) / intervalMs)];
    return wh === undefined ? undefined : (wh * 3_600_000) / intervalMs;
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
    for (let a = 0; a < p.maxCoordinatorAttempts; a++) this.at(collectEndMs + p.clockSkewMs + a * p.coordinatorTimeoutMs, () => this.coordinate(P, a));
  }

  private roundFor(P: number): PlanRound | undefined {
    let r = this.rounds.get(P);
    const m = this.memberIndex();
    if (!r && m) {
      r = new PlanRound(P, m.roster, m.index);
      this.rounds.set(P, r);
      for (const k of [...this.rounds.keys()]) if (k < P - 3 * 86_400_000) this.rounds.delete(k);
    }
    return r;
  }

  private buildOwnForecast(P: number): SignedPlanForecast | undefined {
    const m = this.memberIndex();
    if (!m || !m.index.byGateway(this.gatewayId)) return undefined;
    const payload = ownForecast({
      marketId: m.roster.marketId,
      gatewayId: this.gatewayId,
      planStartMs: P,
      intervalMs: intervalMsOf(m.roster),
      nowMs: this.clock.now(),
      plan: this.options.plan,
      market: this.options.market,
      config: this.ctx.config,
      store: this.ctx.store,
      ...(this.options.forecast ? { forecast: this.options.forecast } : {}),
      socPercent: this.options.batterySocPercent ? this.options.batterySocPercent() : this.socFromStore(),
    });
    return signPlanForecast(payload, this.identity.seed);
  }

  private socFromStore(): number | undefined {
    const deviceId = this.options.market.battery?.deviceId;
    if (!deviceId) return undefined;
    const now = this.clock.now();
    const r = this.ctx.store.readings.latestAtOrBefore({ deviceId, quantity: 'socPercent' }, now);
    return r && now - r.atMs <= 600_000 ? r.value : undefined;
  }

  private publishForecast(P: number): void {
    const signed = this.buildOwnForecast(P);
    if (!signed) return this.log.warn('plan: no roster or not a member; no forecast published');
    // Stored before it leaves the box; taken into our own round at once (the broker's echo may not come).
    this.planStore.saveOwnForecast(signed.payload.marketId, P, signed, this.clock.now());
    this.onForecast(signed, this.gatewayId);
    this.link?.publish('forecast', signed);
    this.tally.forecastsSent++;
  }

  private onPrices(raw: unknown): void {
    const roster = this.options.roster();
    if (!roster) return this.rejections.add('no-roster', 'operator');
    const p = this.prices.offer(raw, roster);
    if (!p.ok && p.error.kind !== 'older') this.rejections.add(`prices-${p.error.kind}`, 'operator');
  }

  private onForecast(f: SignedPlanForecast, from: string): void {
    const m = this.memberIndex();
    if (!m) return this.rejections.add('no-roster', from);
    if (f.payload.gatewayId !== from) return this.rejections.add('topic-mismatch', from);
    const rule = checkForecast(f, m.index);
    if (!rule.ok) return this.rejections.add(rule.error.kind, from);
    const P = Date.parse(f.payload.planStart);
    const day = planDayStarting(P, this.options.plan, this.timeZone);
    if (day.planStartMs !== P || f.payload.steps !== this.options.plan.horizonIntervals) return this.rejections.add('wrong-plan', from);
    if (this.clock.now() > day.collectEndMs + m.roster.parameters.clockSkewMs) return this.rejections.add('late', from);
    const round = this.roundFor(P)!;
    const held = round.forecasts.get(from);
    if (held?.signature === f.signature) return from === this.gatewayId ? undefined : this.rejections.add('replay', from);
    if (held && held.payload.issuedAt >= f.payload.issuedAt) return this.rejections.add('stale', from);
    round.forecasts.set(from, f);
  }

  private coordinate(P: number, attempt: number): void {
    const round = this.roundFor(P);
    if (!round || planCoordinatorFor(round.roster, P, attempt)?.gatewayId !== this.gatewayId) return;
    if (round.status !== 'collecting' || round.earlierSnapshotLive(attempt)) return;
    const snapshot = signPlanSnapshot(
      { marketId: round.roster.marketId, planStart: round.planStart, steps: this.options.plan.horizonIntervals, rosterVersion: round.roster.version, attempt, coordinator: this.gatewayId, forecasts: round.forecastsFor(this.options.plan.horizonIntervals), prices: this.prices.forInterval(round.planStart) ?? null },
      this.identity.seed,
    );
    this.onSnapshot(snapshot, this.gatewayId);
    this.link?.publish('snapshot', snapshot);
    this.tally.snapshotsSent++;
  }

  private onSnapshot(env: SignedPlanSnapshot, from: string): void {
    const m = this.memberIndex();
    if (!m) return this.rejections.add('no-roster', from);
    if (env.payload.coordinator !== from) return this.rejections.add('topic-mismatch', from);
    const v = verifyPlanSnapshot(env, m.roster, m.index);
    if (!v.ok) return this.rejections.add(`snapshot-${v.error.kind}`, from);
    const round = this.roundFor(v.value.planStartMs)!;
    const added = round.addSnapshot(v.value);
    if (added !== 'known') void this.checkFinal(round);
    if (added === 'equivocation') {
      this.rejections.add('equivocation', from);
      this.alarm('plan-equivocation', 'critical', `coordinator ${from} signed two different plan snapshots for ${round.planStart} (attempt ${v.value.attempt})`, { planStart: round.planStart, coordinator: from });
      return;
    }
    if (added !== 'new' || round.voted || round.voteScheduled) return;
    const own = round.forecasts.get(this.gatewayId);
    if (own && !v.value.forecasts.some((f) => f.payload.gatewayId === this.gatewayId)) {
      this.alarm('plan-own-forecast-missing', 'warning', `plan snapshot of ${from} for ${round.planStart} lacks this gateway's forecast; not voting for it`, { planStart: round.planStart });
      return;
    }
    round.voteScheduled = true;
    this.at(this.clock.now() + m.roster.parameters.snapshotWindowMs, () => void this.vote(round, v.value.attempt));
  }

  private solved(round: PlanRound, hash: string): Promise<SolvedPlan> | undefined {
    let p = round.solved.get(hash);
    const s = round.snapshotByHash(hash);
    if (!p && s) {
      p = solveSnapshot(s, round.roster);
      round.solved.set(hash, p);
    }
    return p;
  }

  private async vote(round: PlanRound, attempt: number): Promise<void> {
    round.voteScheduled = false;
    const s = round.votable(attempt);
    if (!s || round.voted || round.status === 'final') return;
    const solved = await this.solved(round, s.hash)!;
    if (round.voted || this.stopped) return;
    round.voted = { attempt, snapshotHash: s.hash, planHash: solved.planHash };
    const vote = signPlanVote({ marketId: round.roster.marketId, intervalStart: round.planStart, voter: this.gatewayId, attempt, snapshotHash: s.hash, resultHash: solved.planHash }, this.identity.seed);
    this.onVote(vote, this.gatewayId);
    this.link?.publish('vote', vote);
    this.tally.votesSent++;
    this.changed();
  }

  private onVote(vote: SignedEnvelope<VotePayload>, from: string): void {
    const P = Date.parse(vote.payload.intervalStart);
    const round = this.rounds.get(P) ?? (Math.abs(P - this.clock.now()) < 2 * 86_400_000 ? this.roundFor(P) : undefined);
    if (!round) return this.rejections.add(this.options.roster() ? 'wrong-plan' : 'no-roster', from);
    const r = round.tally.add(vote, from);
    if (!r.ok) {
      if (r.error.kind === 'replay' && from === this.gatewayId) return;
      this.rejections.add(r.error.kind, from);
      if (r.error.kind === 'double-vote') this.alarm('plan-double-vote', 'critical', `${from} voted for two plans for ${round.planStart}`, { planStart: round.planStart, voter: from });
      return;
    }
    void this.checkFinal(round);
  }

  private async checkFinal(round: PlanRound): Promise<void> {
    const cert = round.tally.certificate();
    if (!cert || round.status === 'final' || round.certificate) return;
    const snapshot = round.snapshotByHash(cert.snapshotHash);
    // The certified snapshot may still be on its way; the deadline plans alone without it.
    if (!snapshot) return;
    round.certificate = cert;
    const mine = await this.solved(round, snapshot.hash)!;
    if (this.stopped) return;
    if (mine.planHash !== cert.resultHash || !mine.plan) {
      round.reason = mine.plan ? 'disagreement' : `unplannable: ${mine.failure ?? ''}`;
      this.alarm('plan-disagreement', 'critical', `this gateway solved the plan for ${round.planStart} to ${mine.planHash.slice(0, 12)}…, the majority to ${cert.resultHash.slice(0, 12)}…; planning alone`, { planStart: round.planStart });
      return void this.ensureAlone(round.planStartMs, round.reason);
    }
    const row: Omit<PlanRow, 'updatedMs'> = { marketId: round.roster.marketId, planStartMs: round.planStartMs, status: 'final', reason: null, planHash: mine.planHash, rosterVersion: round.roster.version, snapshot: snapshot.envelope, plan: mine.plan, certificate: cert };
    this.planStore.savePlan(row, this.clock.now());
    const wasAlone = round.status === 'alone';
    this.plans.set(round.planStartMs, { ...row, updatedMs: this.clock.now() });
    round.status = 'final';
    round.reason = null;
    this.tally.finals++;
    if (wasAlone) this.alarm('plan-no-majority', 'info', `a late certificate made the plan for ${round.planStart} final`, { planStart: round.planStart }, true);
    this.changed();
  }

  private async deadline(P: number): Promise<void> {
    const round = this.roundFor(P);
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
    if (!m || !me) return this.log.warn('plan: no roster or not a member; cannot plan alone');
    const forecast = this.planStore.ownForecast(m.roster.marketId, P) ?? this.buildOwnForecast(P);
    if (!forecast) return;
    const solved = await solveAlonePlan({ roster: m.roster, planStartMs: P, steps: forecast.payload.steps, forecasts: [{ forecast: forecast.payload, member: me }], prices: this.prices.forInterval(new Date(P).toISOString())?.payload ?? null });
    if (this.stopped || !solved.plan || this.plans.get(P)?.status === 'final') return;
    const row: Omit<PlanRow, 'updatedMs'> = { marketId: m.roster.marketId, planStartMs: P, status: 'alone', reason, planHash: solved.planHash, rosterVersion: m.roster.version, snapshot: null, plan: solved.plan, certificate: null };
    if (!this.planStore.savePlan(row, this.clock.now())) return;
    this.plans.set(P, { ...row, updatedMs: this.clock.now() });
    const round = this.rounds.get(P);
    if (round && round.status !== 'final') {
      round.status = 'alone';
      round.reason = reason;
    }
    this.tally.alone++;
    this.changed();
  }

  private alarm(code: string, severity: Alarm['severity'], message: string, details: Record<string, unknown>, cleared = false): void {
    this.ctx.events.emit('alarm', { code, severity, message, atMs: this.clock.now(), details, ...(cleared ? { cleared } : {}) });
    this.log.warn({ code, ...details }, message);
  }

  view(planStartMs: number): PlanView | undefined {
    return planView(planStartMs, this.rounds.get(planStartMs), this.plans.get(planStartMs), this.options.roster());
  }

  status(): Record<string, unknown> {
    const now = this.clock.now();
    const current = planDayCovering(now, this.options.plan, this.timeZone).planStartMs;
    const next = nextPlanDay(now, this.options.plan, this.timeZone).planStartMs;
    const roster = this.options.roster();
    return {
      enabled: true,
      gatewayId: this.gatewayId,
      connected: this.connected,
      rosterVersion: roster?.version ?? null,
      majority: roster ? majorityOf(roster) : null,
      current: this.view(current) ?? null,
      next: this.view(next) ?? null,
      rejections: this.rejections.snapshot(),
      counters: { ...(this.link?.counters ?? {}), ...this.tally },
    };
  }
}
