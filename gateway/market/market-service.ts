// The block market as a daemon service (docs/market-protocol.md). Per interval: publish this
// building's signed order before gate closure; collect everyone's; at gate closure the
// interval's coordinator publishes the signed snapshot; every gateway verifies it, waits the
// snapshot window (to catch an equivocating coordinator), clears it and publishes its signed
// vote; a majority of equal votes makes the result final, and this gateway stores its trade
// with the certificate. Without a majority by the deadline the interval is grid only.
// This file is the lifecycle and the public face; the parts are market-schedule.ts (timetable),
// market-orders.ts (own order, intake), market-consensus.ts (snapshot, votes, finality) with
// market-votes.ts (when a vote's signature is checked),
// market-settle.ts (settlement) and market-status.ts, sharing one MarketContext.
import { isAbsolute, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Service, ServiceContext } from '../services/service.js';
import { readKeyFile, type GatewayIdentity } from './identity.js';
import { MarketConsensus } from './market-consensus.js';
import { MarketContext, type MarketServiceOptions } from './market-context.js';
import { MarketLink } from './market-link.js';
import type { MarketRound } from './market-round.js';
import { MarketSchedule } from './market-schedule.js';
import { settleOnEnergyFinal } from './market-settle.js';
import { intervalView, marketCounters, marketStatus, type MarketIntervalView } from './market-status.js';
import { MarketStore } from './market-store.js';
import { MarketOrders } from './market-orders.js';
import { MemberIndex } from './order-rules.js';
import { RosterHolder, type Roster } from './roster.js';
import { RejectionCounter } from './rejections.js';

export type { MarketServiceOptions } from './market-context.js';
export type { MarketIntervalView } from './market-status.js';

export class MarketService implements Service {
  readonly name = 'market';
  readonly rejections = new RejectionCounter();
  private m: MarketContext | undefined;
  private schedule: MarketSchedule | undefined;
  private consensus: MarketConsensus | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  /** Listeners added before start() are kept here and handed to the context. */
  private readonly earlyListeners = new Set<() => void>();

  constructor(private readonly options: MarketServiceOptions) {}

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(ctx: ServiceContext): Promise<void> {
    const o = this.options.market;
    let identity: GatewayIdentity;
    if (this.options.identity) identity = this.options.identity;
    else {
      const key = readKeyFile(isAbsolute(o.keyFile) ? o.keyFile : join(ctx.config.gateway.dataDir, o.keyFile));
      if (!key.ok) throw new Error(`market: ${key.error.detail}`);
      identity = key.value;
    }
    const store = new MarketStore(ctx.store, { gatewayId: ctx.config.gateway.id, seed: identity.seed });
    const m = new MarketContext(ctx, this.options, identity, new RosterHolder(o.operatorPublicKey, o.marketId), store, this.rejections);
    this.m = m;
    for (const l of this.earlyListeners) m.onUpdate(l);
    const orders = new MarketOrders(m);
    const consensus = new MarketConsensus(m);
    this.consensus = consensus;
    const schedule = new MarketSchedule(m, { sendOrder: (T) => orders.send(T), coordinate: (T, a) => consensus.coordinate(T, a), deadline: (T) => consensus.deadline(T) });
    this.schedule = schedule;
    m.rosterHolder.onChange((roster) => this.onRoster(roster));
    const stored = store.roster(o.marketId);
    if (stored) m.rosterHolder.offer(stored);
    if (o.rosterFile) {
      const path = isAbsolute(o.rosterFile) ? o.rosterFile : join(ctx.config.gateway.dataDir, o.rosterFile);
      const r = m.rosterHolder.offer(JSON.parse(readFileSync(path, 'utf8')) as unknown);
      if (!r.ok && r.error.kind !== 'older') throw new Error(`market: roster ${path} refused: ${r.error.kind}: ${r.error.detail}`);
    }
    this.unsubscribe.push(ctx.events.on('intervalEnergyFinal', (e) => settleOnEnergyFinal(m, e)));
    ctx.status.provide(this.name, () => this.status());
    m.link ??= new MarketLink(o.broker, m.gatewayId, o.marketId, m.log, {
      order: (order, from, canonicalPayload) => orders.received(order, from, canonicalPayload),
      snapshot: (s, from, canonicalPayload) => consensus.onSnapshot(s, from, canonicalPayload),
      referencedSnapshot: (raw, from) => consensus.onReferencedSnapshot(raw, from),
      want: (raw, from) => consensus.onWant(raw, from),
      vote: (raw, from) => consensus.onVoteMessage(raw, from),
      operator: (kind, raw) => this.onOperatorMessage(kind, raw),
      reject: (reason, member) => m.rejections.add(reason, member),
      changed: () => m.changed(),
    });
    m.link.connect();
    schedule.ahead();
  }

  async stop(): Promise<void> {
    const m = this.m;
    if (!m) return;
    // Held and late votes are evidence: checked and stored before the store closes.
    await Promise.all([...m.checksRunning]);
    for (const round of m.rounds.values()) this.consensus?.flushVotes(round);
    m.stopped = true;
    m.clearTimers();
    for (const u of this.unsubscribe.splice(0)) u();
    m.ctx.status.remove(this.name);
    await m.link?.disconnect();
  }

  /** Drops the broker connection at once (a cut cable); `reconnect` resumes the same session. */
  async disconnect(): Promise<void> {
    await this.m?.link?.disconnect();
  }

  reconnect(): void {
    this.m?.link?.connect();
  }

  /** Called on every change of state, for tests and the bench to wait on (no polling). */
  onUpdate(listener: () => void): () => void {
    if (this.m) return this.m.onUpdate(listener);
    this.earlyListeners.add(listener);
    return () => this.earlyListeners.delete(listener);
  }

  /** Messages and bytes on the broker link, and what this gateway did. */
  get counters() {
    return this.m ? marketCounters(this.m) : { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0, ordersSent: 0, snapshotsSent: 0, snapshotsWanted: 0, snapshotsResent: 0, votesSent: 0, votesChecked: 0, votesDeferred: 0, finals: 0, gridOnly: 0 };
  }

  get roster(): Roster | undefined {
    return this.m?.roster;
  }

  get connected(): boolean {
    return this.m?.link?.connected ?? false;
  }

  get store(): MarketStore {
    return this.context.store;
  }

  round(intervalStartMs: number): MarketRound | undefined {
    return this.m?.rounds.get(intervalStartMs);
  }

  ordersHeld(intervalStartMs: number): number {
    return this.m?.intake.count(intervalStartMs) ?? 0;
  }

  view(intervalStartMs: number): MarketIntervalView | undefined {
    return this.m ? intervalView(this.m, intervalStartMs) : undefined;
  }

  status(): Record<string, unknown> {
    return this.m ? marketStatus(this.m) : { marketId: this.options.market.marketId, connected: false, rejections: this.rejections.snapshot() };
  }

  private get context(): MarketContext {
    if (!this.m) throw new Error('market: the service has not started');
    return this.m;
  }

  // ---- operator messages ----------------------------------------------------------------------

  private onOperatorMessage(kind: 'roster' | 'prices', raw: unknown): void {
    const m = this.context;
    if (kind === 'roster') {
      const r = m.rosterHolder.offer(raw);
      if (!r.ok) m.rejections.add(`roster-${r.error.kind}`, 'operator');
      return;
    }
    const roster = m.roster;
    if (!roster) return m.rejections.add('no-roster', 'operator');
    const p = m.prices.offer(raw, roster);
    if (!p.ok) m.rejections.add(`prices-${p.error.kind}`, 'operator');
  }

  private onRoster(roster: Roster): void {
    const m = this.context;
    m.members = new MemberIndex(roster);
    const env = m.rosterHolder.envelope;
    if (env) m.store.saveRoster(env, m.clock.now());
    m.log.info({ version: roster.version, members: roster.members.length }, 'market: roster in force');
    this.schedule?.ahead();
  }
}
