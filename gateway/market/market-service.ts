// The block market as a daemon service (docs/market-protocol.md). Per interval: publish this
// building's signed order before gate closure; collect everyone's; at gate closure the
// interval's coordinator publishes the signed snapshot; every gateway verifies it, waits the
// snapshot window (to catch an equivocating coordinator), clears it and publishes its signed
// vote; a majority of equal votes makes the result final, and this gateway stores its trade
// with the certificate. Without a majority by the deadline the interval is grid only.
import { isAbsolute, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { Alarm, GatewayEvents } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { MarketConfig } from './config.js';
import { signVote, type SignedVote } from './finality.js';
import { readKeyFile, type GatewayIdentity } from './identity.js';
import { MarketRound } from './market-round.js';
import { MarketStore } from './market-store.js';
import type { SignedOrder, SnapshotPayload } from './messages.js';
import { MarketLink } from './market-link.js';
import { buildOrder, signOrder, type BatteryFlex } from './order-builder.js';
import { OrderIntake } from './order-intake.js';
import { gateClosureMs, MemberIndex } from './order-rules.js';
import { blockPricesFor, PriceListHolder, type BlockPrices } from './prices.js';
import { signTrade, tradeFromResult } from './records.js';
import { settleEnergy } from './market-settlement.js';
import { RejectionCounter } from './rejections.js';
import { coordinatorFor, intervalMsOf, RosterHolder, type Roster } from './roster.js';
import { clearSnapshot, signSnapshot, verifySnapshot } from './snapshot.js';
import { marketTopics } from './topics.js';
import { forecastFromStore } from './building-energy.js';

export interface MarketServiceOptions {
  market: MarketConfig;
  /** The identity to sign with; read from market.keyFile when absent. */
  identity?: GatewayIdentity;
  /** Overrides the forecast from the store (tests, the demo's simulator truth). */
  forecast?: (intervalStartMs: number) => { consumptionWh: number; pvWh: number };
  /** The battery's state of charge now, percent; without it no battery flexibility is offered. */
  batterySocPercent?: () => number | undefined;
}

/** What the service reports through ctx.status and to tests. */
export interface MarketIntervalView {
  intervalStart: string;
  status: 'open' | 'final' | 'grid-only';
  reason: string | null;
  resultHash: string | null;
  attempt: number | null;
  votes: number;
}

export class MarketService implements Service {
  readonly name = 'market';
  private ctx!: ServiceContext;
  private log!: Logger;
  private clock!: Clock;
  private identity!: GatewayIdentity;
  private gatewayId!: string;
  private rosterHolder!: RosterHolder;
  private members: MemberIndex | undefined;
  private readonly prices = new PriceListHolder();
  private readonly intake = new OrderIntake();
  readonly rejections = new RejectionCounter();
  private readonly rounds = new Map<number, MarketRound>();
  private readonly timers = new Set<TimerHandle>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();
  private link: MarketLink | undefined;
  private marketStore!: MarketStore;
  private topics!: ReturnType<typeof marketTopics>;
  private sequence = 0;
  /** Set by stop(): clearings still running when it came must not write to a closed store. */
  private stopped = false;
  private scheduledUntilMs = 0;
  private readonly tally = { ordersSent: 0, snapshotsSent: 0, votesSent: 0, finals: 0, gridOnly: 0 };

  /** Messages and bytes on the broker link, and what this gateway did. */
  get counters() {
    return { ...(this.link?.counters ?? { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 }), ...this.tally };
  }

  constructor(private readonly options: MarketServiceOptions) {}

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(ctx: ServiceContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.gatewayId = ctx.config.gateway.id;
    const m = this.options.market;
    this.topics = marketTopics(m.marketId);
    if (this.options.identity) this.identity = this.options.identity;
    else {
      const key = readKeyFile(isAbsolute(m.keyFile) ? m.keyFile : join(ctx.config.gateway.dataDir, m.keyFile));
      if (!key.ok) throw new Error(`market: ${key.error.detail}`);
      this.identity = key.value;
    }
    this.marketStore = new MarketStore(ctx.store, { gatewayId: this.gatewayId, seed: this.identity.seed });
    this.rosterHolder = new RosterHolder(m.operatorPublicKey, m.marketId);
    this.rosterHolder.onChange((roster) => this.onRoster(roster));
    const stored = this.marketStore.roster(m.marketId);
    if (stored) this.rosterHolder.offer(stored);
    if (m.rosterFile) {
      const path = isAbsolute(m.rosterFile) ? m.rosterFile : join(ctx.config.gateway.dataDir, m.rosterFile);
      const r = this.rosterHolder.offer(JSON.parse(readFileSync(path, 'utf8')) as unknown);
      if (!r.ok && r.error.kind !== 'older') throw new Error(`market: roster ${path} refused: ${r.error.kind}: ${r.error.detail}`);
    }
    this.unsubscribe.push(ctx.events.on('intervalEnergyFinal', (e) => this.onEnergyFinal(e)));
    ctx.status.provide(this.name, () => this.status());
    this.connect();
    this.scheduleAhead();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.clock?.clear(t);
    this.timers.clear();
    for (const u of this.unsubscribe.splice(0)) u();
    this.ctx?.status.remove(this.name);
    await this.link?.disconnect();
  }

  /** Drops the broker connection at once (a cut cable); `reconnect` resumes the same session. */
  async disconnect(): Promise<void> {
    await this.link?.disconnect();
  }

  reconnect(): void {
    this.link?.connect();
  }

  /** Called on every change of state, for tests and the bench to wait on (no polling). */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get roster(): Roster | undefined {
    return this.rosterHolder?.current;
  }

  round(intervalStartMs: number): MarketRound | undefined {
    return this.rounds.get(intervalStartMs);
  }

  ordersHeld(intervalStartMs: number): number {
    return this.intake.count(intervalStartMs);
  }

  get store(): MarketStore {
    return this.marketStore;
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  // ---- MQTT -----------------------------------------------------------------------------------

  private connect(): void {
    this.link ??= new MarketLink(this.options.market.broker, this.gatewayId, this.options.market.marketId, this.log, {
      order: (o, from) => this.onOrder(o, from),
      snapshot: (s, from) => this.onSnapshot(s, from),
      vote: (v, from) => this.onVote(v, from),
      operator: (kind, raw) => this.onOperatorMessage(kind, raw),
      reject: (reason, member) => this.rejections.add(reason, member),
      changed: () => this.changed(),
    });
    this.link.connect();
  }

  get connected(): boolean {
    return this.link?.connected ?? false;
  }

  private publish(topic: string, value: unknown): void {
    this.link?.publish(topic, value);
  }

  private onOperatorMessage(kind: 'roster' | 'prices', raw: unknown): void {
    if (kind === 'roster') {
      const r = this.rosterHolder.offer(raw);
      if (!r.ok) this.rejections.add(`roster-${r.error.kind}`, 'operator');
      return;
    }
    const roster = this.roster;
    if (!roster) return this.rejections.add('no-roster', 'operator');
    const p = this.prices.offer(raw, roster);
    if (!p.ok) this.rejections.add(`prices-${p.error.kind}`, 'operator');
  }

  private onRoster(roster: Roster): void {
    this.members = new MemberIndex(roster);
    const env = this.rosterHolder.envelope;
    if (env) this.marketStore.saveRoster(env, this.clock.now());
    this.log.info({ version: roster.version, members: roster.members.length }, 'market: roster in force');
    if (this.ctx) this.scheduleAhead();
  }

  private pricesOf(roster: Roster, intervalStartMs: number): BlockPrices[] {
    const iso = new Date(intervalStartMs).toISOString();
    return blockPricesFor(roster, iso, this.prices.forInterval(iso)?.payload ?? null).prices;
  }

  // ---- schedule -------------------------------------------------------------------------------

  private at(atMs: number, fn: () => void): void {
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

  /** Schedules each interval whose order time is still ahead, two intervals ahead of now. */
  private scheduleAhead(): void {
    const roster = this.roster;
    if (!roster) return;
    const intervalMs = intervalMsOf(roster);
    const p = roster.parameters;
    const now = this.clock.now();
    let t = Math.max(this.scheduledUntilMs, Math.ceil((now + p.gateClosureLeadMs) / intervalMs) * intervalMs);
    for (; t <= now + p.gateClosureLeadMs + 2 * intervalMs; t += intervalMs) {
      const T = t;
      const gate = gateClosureMs(roster, T);
      this.at(Math.max(now, gate - this.options.market.orderLeadMs), () => this.sendOrder(T));
      for (let a = 0; a < p.maxCoordinatorAttempts; a++) this.at(gate + p.clockSkewMs + a * p.coordinatorTimeoutMs, () => this.coordinate(T, a));
      this.at(gate + p.finalityTimeoutMs, () => this.deadline(T));
      this.at(gate, () => this.scheduleAhead());
      this.scheduledUntilMs = T + intervalMs;
    }
    this.intake.prune(now - 2 * intervalMs);
    for (const k of [...this.rounds.keys()]) if (k < now - 8 * intervalMs) this.rounds.delete(k);
  }

  private roundFor(intervalStartMs: number): MarketRound | undefined {
    let r = this.rounds.get(intervalStartMs);
    if (!r && this.roster && this.members) {
      r = new MarketRound(intervalStartMs, this.roster, this.members);
      this.rounds.set(intervalStartMs, r);
    }
    return r;
  }

  // ---- orders ---------------------------------------------------------------------------------

  private sendOrder(T: number): void {
    const roster = this.roster;
    const me = this.members?.byGateway(this.gatewayId);
    if (!roster || !me) return;
    const prices = this.pricesOf(roster, T).find((b) => b.block === me.block);
    if (!prices) return;
    const f = this.options.forecast?.(T) ?? forecastFromStore(this.ctx.store, this.options.market, this.ctx.config, T, intervalMsOf(roster));
    const b = this.options.market.battery;
    const soc = this.options.batterySocPercent ? this.options.batterySocPercent() : this.socFromStore();
    const battery: BatteryFlex | undefined = b && soc !== undefined ? { capacityWh: b.capacityWh, socPercent: soc, minSocPercent: b.minSocPercent, maxSocPercent: b.maxSocPercent, maxChargeW: b.maxChargeW, maxDischargeW: b.maxDischargeW } : undefined;
    const order = buildOrder({
      marketId: roster.marketId,
      gatewayId: this.gatewayId,
      intervalStartMs: T,
      intervalMs: intervalMsOf(roster),
      sequence: this.sequence++,
      expiresAtMs: T,
      consumptionWh: f.consumptionWh,
      pvWh: f.pvWh,
      prices,
      ...(battery ? { battery } : {}),
      preferences: this.options.market.preferences,
      maxStepEnergyWh: roster.parameters.maxStepEnergyWh,
      maxSteps: roster.parameters.maxStepsPerOrder,
    });
    if (!order) return;
    const signed = signOrder(order, this.identity.seed);
    this.marketStore.saveOwnOrder(signed, T, this.clock.now());
    this.publish(this.topics.of('order', this.gatewayId), signed);
    this.tally.ordersSent++;
  }

  /** The battery's last stored state of charge, if read in the last 10 minutes (older says little). */
  private socFromStore(): number | undefined {
    const deviceId = this.options.market.battery?.deviceId;
    if (!deviceId) return undefined;
    const now = this.clock.now();
    const r = this.ctx.store.readings.latestAtOrBefore({ deviceId, quantity: 'socPercent' }, now);
    return r && now - r.atMs <= 600_000 ? r.value : undefined;
  }

  private onOrder(order: SignedOrder, from: string): void {
    const members = this.members;
    const roster = this.roster;
    if (!members || !roster) return this.rejections.add('no-roster', from);
    const r = this.intake.offer(order, from, this.clock.now(), members, (T, block) => this.pricesOf(roster, T).find((p) => p.block === block));
    if (!r.ok) this.rejections.add(r.error.kind, from);
  }

  // ---- snapshot, votes, finality --------------------------------------------------------------

  private coordinate(T: number, attempt: number): void {
    const roster = this.roster;
    if (!roster) return;
    const coordinator = coordinatorFor(roster, T, attempt);
    if (coordinator?.gatewayId !== this.gatewayId) return;
    const round = this.roundFor(T);
    if (!round || round.status !== 'open' || round.earlierSnapshotLive(attempt)) return;
    const iso = new Date(T).toISOString();
    const snapshot = signSnapshot(
      { marketId: roster.marketId, intervalStart: iso, rosterVersion: roster.version, attempt, coordinator: this.gatewayId, orders: this.intake.ordersFor(T), prices: this.prices.forInterval(iso) },
      this.identity.seed,
    );
    this.publish(this.topics.of('snapshot', this.gatewayId), snapshot);
    this.tally.snapshotsSent++;
  }

  private onSnapshot(env: SignedEnvelope<SnapshotPayload>, from: string): void {
    const roster = this.roster;
    if (!roster || !this.members) return this.rejections.add('no-roster', from);
    if (env.payload.coordinator !== from) return this.rejections.add('topic-mismatch', from);
    const v = verifySnapshot(env, roster, this.members);
    if (!v.ok) return this.rejections.add(`snapshot-${v.error.kind}`, from);
    // A book closed before gate closure (on any clock within the skew) would shut out orders still due.
    if (this.clock.now() < gateClosureMs(roster, v.value.intervalStartMs) - roster.parameters.clockSkewMs) return this.rejections.add('snapshot-early', from);
    const round = this.roundFor(v.value.intervalStartMs);
    if (!round) return;
    this.marketStore.saveSnapshot(env, v.value.hash, round.intervalStartMs, this.clock.now());
    const added = round.addSnapshot(v.value);
    // Votes may have overtaken the snapshot: a certificate waiting for it can complete now.
    if (added !== 'known') void this.checkFinal(round);
    if (added === 'equivocation') {
      const e = round.equivocations[round.equivocations.length - 1]!;
      this.alarm('market-equivocation', 'critical', `coordinator ${from} signed two different snapshots for ${round.intervalStart} (attempt ${e.attempt}); both kept as evidence`, { intervalStart: round.intervalStart, coordinator: from, attempt: e.attempt, hashes: [...round.snapshots.get(e.attempt)!.keys()] });
      this.rejections.add('equivocation', from);
      return;
    }
    if (added !== 'new' || round.voted || round.voteScheduled) return;
    // Our own order must be in it if we published one for this interval.
    const own = this.marketStore.ownOrders(round.intervalStartMs).at(-1);
    if (own && !v.value.orders.some((o) => o.signature === own.signature)) {
      this.alarm('market-own-order-missing', 'warning', `snapshot ${v.value.hash.slice(0, 12)}… of ${from} for ${round.intervalStart} lacks this gateway's order; not voting for it`, { intervalStart: round.intervalStart });
      return;
    }
    round.voteScheduled = true;
    this.at(this.clock.now() + roster.parameters.snapshotWindowMs, () => void this.vote(round, v.value.attempt));
  }

  private cleared(round: MarketRound, hash: string) {
    let p = round.cleared.get(hash);
    const s = round.snapshotByHash(hash);
    if (!p && s) {
      p = clearSnapshot(s, round.roster);
      round.cleared.set(hash, p);
    }
    return p;
  }

  private async vote(round: MarketRound, attempt: number): Promise<void> {
    round.voteScheduled = false;
    const s = round.votable(attempt);
    if (!s || round.voted || round.status === 'grid-only') return;
    const c = await this.cleared(round, s.hash)!;
    if (round.voted || this.stopped) return;
    round.voted = { attempt, snapshotHash: s.hash, resultHash: c.resultHash };
    round.ownResultHash = c.resultHash;
    const vote = signVote({ marketId: round.roster.marketId, intervalStart: round.intervalStart, voter: this.gatewayId, attempt, snapshotHash: s.hash, resultHash: c.resultHash }, this.identity.seed);
    this.publish(this.topics.of('vote', this.gatewayId), vote);
    this.tally.votesSent++;
    this.changed();
  }

  private onVote(vote: SignedVote, from: string): void {
    if (!this.roster) return this.rejections.add('no-roster', from);
    const T = Date.parse(vote.payload.intervalStart);
    const round = this.rounds.get(T) ?? (Math.abs(T - this.clock.now()) < 4 * intervalMsOf(this.roster) ? this.roundFor(T) : undefined);
    if (!round) return this.rejections.add('wrong-interval', from);
    const r = round.tally.add(vote, from);
    if (!r.ok) {
      this.rejections.add(r.error.kind, from);
      if (r.error.kind === 'double-vote') this.alarm('market-double-vote', 'critical', `${from} voted for two results in ${round.intervalStart}`, { intervalStart: round.intervalStart, voter: from });
      return;
    }
    this.marketStore.saveVote(vote, T, this.clock.now());
    void this.checkFinal(round);
  }

  private async checkFinal(round: MarketRound): Promise<void> {
    const cert = round.tally.certificate();
    if (!cert || round.status === 'final' || round.certificate) return;
    const snapshot = round.snapshotByHash(cert.snapshotHash);
    const me = this.members?.byGateway(this.gatewayId);
    const nowMs = (): number => this.clock.now();
    // The certified snapshot may still be on its way; until the deadline, wait for it.
    if (!snapshot && round.status === 'open') return;
    if (!snapshot || !me) {
      // Not kept as this round's certificate: should the snapshot still come, it completes then.
      if (round.reason === 'final-result-unseen') return;
      round.status = 'grid-only';
      round.reason = 'final-result-unseen';
      this.marketStore.markGridOnly(round.intervalStartMs, round.roster.marketId, 'final-result-unseen: a majority certified a snapshot this gateway never received', null, nowMs());
      this.alarm('market-final-unseen', 'warning', `a majority certified ${cert.resultHash.slice(0, 12)}… for ${round.intervalStart}, whose snapshot this gateway did not receive; grid only here`, { intervalStart: round.intervalStart });
      this.tally.gridOnly++;
      this.changed();
      return;
    }
    round.certificate = cert;
    const mine = await this.cleared(round, snapshot.hash)!;
    if (this.stopped) return;
    round.ownResultHash ??= mine.resultHash;
    if (mine.resultHash !== cert.resultHash) {
      round.status = 'grid-only';
      round.reason = 'disagreement';
      this.marketStore.markGridOnly(round.intervalStartMs, round.roster.marketId, `disagreement: the majority certified ${cert.resultHash}, this gateway cleared ${mine.resultHash}`, mine.resultHash, nowMs());
      this.alarm('market-disagreement', 'critical', `this gateway cleared ${round.intervalStart} to ${mine.resultHash.slice(0, 12)}…, the majority to ${cert.resultHash.slice(0, 12)}…; trading nothing this interval`, { intervalStart: round.intervalStart });
      this.tally.gridOnly++;
      this.changed();
      return;
    }
    const trade = mine.result ? tradeFromResult(mine.result, cert, me, round.roster.marketId, round.roster.parameters.intervalMinutes) : undefined;
    const wasGridOnly = round.status === 'grid-only';
    this.marketStore.saveFinal(round.intervalStartMs, intervalMsOf(round.roster), cert, mine.result, mine.resultHash, trade ? signTrade(trade, this.identity.seed) : undefined, nowMs());
    round.status = 'final';
    round.reason = null;
    round.finalAtMs = nowMs();
    this.tally.finals++;
    if (wasGridOnly) this.alarm('market-no-majority', 'info', `a late certificate made ${round.intervalStart} final`, { intervalStart: round.intervalStart }, true);
    this.changed();
  }

  private deadline(T: number): void {
    const round = this.roundFor(T);
    if (!round || round.status !== 'open') return;
    if (round.tally.certificate()) {
      // Certified, but the snapshot never came: grid only here, and say why.
      round.status = 'grid-only';
      void this.checkFinal(round);
      return;
    }
    round.status = 'grid-only';
    round.reason = 'no-majority';
    const counts = round.tally.counts();
    this.marketStore.markGridOnly(T, round.roster.marketId, `no-majority: ${JSON.stringify(counts)}`, round.ownResultHash ?? null, this.clock.now());
    this.alarm('market-no-majority', 'warning', `no majority for ${round.intervalStart} by the deadline; grid only`, { intervalStart: round.intervalStart, votes: counts });
    this.tally.gridOnly++;
    this.changed();
  }

  // ---- settlement -----------------------------------------------------------------------------

  private onEnergyFinal(e: GatewayEvents['intervalEnergyFinal']): void {
    if (e.deviceId !== this.options.market.gridMeterDeviceId) return;
    const roster = this.roster;
    if (!roster || !this.members) return;
    const outcome = settleEnergy(e, { gatewayId: this.gatewayId, roster, members: this.members, store: this.marketStore, identity: this.identity, pricesNow: (T) => this.pricesOf(roster, T), nowMs: this.clock.now() });
    if (typeof outcome === 'object') {
      this.rejections.add('settlement-failed', this.gatewayId);
      this.log.error({ interval: new Date(e.intervalStartMs).toISOString(), error: outcome.error }, 'market: settlement failed');
      return;
    }
    if (outcome === 'settled') this.changed();
  }

  // ---- alarms and status ----------------------------------------------------------------------

  private alarm(code: string, severity: Alarm['severity'], message: string, details: Record<string, unknown>, cleared = false): void {
    const alarm: Alarm = { code, severity, message, atMs: this.clock.now(), details, ...(cleared ? { cleared } : {}) };
    this.ctx.events.emit('alarm', alarm);
    this.log.warn({ code, ...details }, message);
    this.publish(this.topics.of('alarm', this.gatewayId), { gatewayId: this.gatewayId, ...alarm });
  }

  view(intervalStartMs: number): MarketIntervalView | undefined {
    const r = this.rounds.get(intervalStartMs);
    if (!r) return undefined;
    return { intervalStart: r.intervalStart, status: r.status, reason: r.reason, resultHash: r.status === 'final' ? (r.certificate?.resultHash ?? null) : null, attempt: r.certificate?.attempt ?? null, votes: r.tally.counts().reduce((s, c) => s + c.votes, 0) };
  }

  status(): Record<string, unknown> {
    const recent = [...this.rounds.keys()].sort((a, b) => b - a).slice(0, 8);
    return {
      marketId: this.options.market.marketId,
      gatewayId: this.gatewayId,
      publicKey: this.identity?.publicKey,
      rosterVersion: this.roster?.version ?? null,
      connected: this.connected,
      intervals: recent.map((t) => this.view(t)),
      rejections: this.rejections.snapshot(),
      rosterRefusals: Object.fromEntries(this.rosterHolder?.refused ?? []),
      counters: { ...this.counters },
    };
  }
}
