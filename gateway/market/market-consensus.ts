// Snapshot, votes and finality for one gateway (docs/market-protocol.md, steps 3-9): the
// coordinator in turn publishes the book; every gateway verifies it, waits the snapshot window
// (an equivocating coordinator is caught in it), clears it and votes once per interval; a
// majority of equal votes is the certificate, and this gateway stores its trade with it.
// Without a majority by the deadline the interval is grid only. When each vote's signature is
// checked is market-votes.ts.
import { canonicalJsonOnce } from '../../core/canonical-json.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import { signVote, type SignedVote } from './finality.js';
import type { MarketContext } from './market-context.js';
import type { MarketRound } from './market-round.js';
import { MarketVotes } from './market-votes.js';
import { checkSignedText, SNAPSHOT_DOMAIN, snapshotPayloadSchema, type SnapshotPayload } from './messages.js';
import { gateClosureMs } from './order-rules.js';
import { signTrade, tradeFromResult } from './records.js';
import { coordinatorFor, intervalMsOf } from './roster.js';
import { clearSnapshot, signSnapshot, verifySnapshot } from './snapshot.js';
import { referencedSnapshot, resolveSnapshot, wantSchema, type WantMessage } from './snapshot-wire.js';

export class MarketConsensus {
  /** This gateway's snapshots as coordinator, full form, by `<interval ms>/<attempt>`: what a `want` is answered with. */
  private readonly published = new Map<string, SignedEnvelope<SnapshotPayload>>();
  private readonly answered = new Set<string>();
  /** `<interval ms>/<attempt>/<coordinator>` this gateway asked the full form of (once each). */
  private readonly asked = new Set<string>();

  /** When votes' signatures are checked; a checked vote comes back to onVote. */
  private readonly votes: MarketVotes;

  constructor(private readonly m: MarketContext) {
    this.votes = new MarketVotes(m, (vote, from) => this.onVote(vote, from));
  }

  coordinate(T: number, attempt: number): void {
    const m = this.m;
    const roster = m.roster;
    if (!roster) return;
    const coordinator = coordinatorFor(roster, T, attempt);
    if (coordinator?.gatewayId !== m.gatewayId) return;
    const round = m.roundFor(T);
    if (!round || round.status !== 'open' || round.earlierSnapshotLive(attempt)) return;
    const iso = new Date(T).toISOString();
    const snapshot = signSnapshot(
      { marketId: roster.marketId, intervalStart: iso, rosterVersion: roster.version, attempt, coordinator: m.gatewayId, orders: m.intake.ordersFor(T), prices: m.prices.forInterval(iso) },
      m.identity.seed,
    );
    this.forgetBefore(T - 4 * intervalMsOf(roster));
    this.published.set(`${T}/${attempt}`, snapshot);
    const referenced = m.options.market.snapshotOrderRefs && !m.options.baseline;
    m.publish(m.topics.of('snapshot', m.gatewayId), referenced ? referencedSnapshot(snapshot) : snapshot);
    m.tally.snapshotsSent++;
  }

  /** A snapshot naming its orders by signature: rebuilt from the orders held, or asked for in full. */
  onReferencedSnapshot(raw: unknown, from: string): void {
    const m = this.m;
    const shape = snapshotPayloadSchema.safeParse((raw as { payload?: unknown }).payload);
    if (!shape.success) return m.rejections.add('invalid-payload', from);
    const r = resolveSnapshot(raw, (signature) => m.verified.bySig(signature)?.order);
    if (!r.ok) {
      if (r.error.kind === 'malformed') return m.rejections.add('malformed', from);
      m.rejections.add('snapshot-orders-missing', from);
      const { intervalStart, attempt, coordinator, marketId } = shape.data;
      const key = `${intervalStart}/${attempt}/${coordinator}`;
      if (coordinator !== from || marketId !== m.roster?.marketId || this.asked.has(key)) return;
      this.asked.add(key);
      m.publish(m.topics.of('snapshot', m.gatewayId), { want: { marketId, intervalStart, attempt, coordinator } } satisfies WantMessage);
      m.tally.snapshotsWanted++;
      return;
    }
    const c = checkSignedText(r.value, SNAPSHOT_DOMAIN, snapshotPayloadSchema);
    if (!c.ok) return m.rejections.add(c.error.kind, from);
    this.onSnapshot(c.value.envelope, from, c.value.canonicalPayload);
  }

  /** A member asks this coordinator for the full form of its snapshot: answered once per attempt, to everyone. */
  onWant(raw: unknown, from: string): void {
    const m = this.m;
    const w = wantSchema.safeParse(raw);
    if (!w.success) return m.rejections.add('invalid-payload', from);
    const { marketId, intervalStart, attempt, coordinator } = w.data.want;
    if (coordinator !== m.gatewayId || marketId !== m.roster?.marketId) return;
    if (!m.members?.byGateway(from)) return m.rejections.add('non-member', from);
    const key = `${Date.parse(intervalStart)}/${attempt}`;
    const snapshot = this.published.get(key);
    if (!snapshot || this.answered.has(key)) return;
    this.answered.add(key);
    m.publish(m.topics.of('snapshot', m.gatewayId), snapshot);
    m.tally.snapshotsResent++;
  }

  private forgetBefore(beforeMs: number): void {
    for (const key of [...this.published.keys(), ...this.answered]) {
      if (Number(key.split('/')[0]) < beforeMs) {
        this.published.delete(key);
        this.answered.delete(key);
      }
    }
    for (const key of this.asked) if (Date.parse(key.split('/')[0]!) < beforeMs) this.asked.delete(key);
  }

  onSnapshot(env: SignedEnvelope<SnapshotPayload>, from: string, canonicalPayload?: string): void {
    const m = this.m;
    const roster = m.roster;
    if (!roster || !m.members) return m.rejections.add('no-roster', from);
    if (env.payload.coordinator !== from) return m.rejections.add('topic-mismatch', from);
    const v = verifySnapshot(env, roster, m.members, { verified: m.verified, ...(canonicalPayload !== undefined ? { canonicalPayload } : {}) });
    if (!v.ok) return m.rejections.add(`snapshot-${v.error.kind}`, from);
    // A book closed before gate closure (on any clock within the skew) would shut out orders still due.
    if (m.clock.now() < gateClosureMs(roster, v.value.intervalStartMs) - roster.parameters.clockSkewMs) return m.rejections.add('snapshot-early', from);
    const round = m.roundFor(v.value.intervalStartMs);
    if (!round) return;
    m.store.saveSnapshot(env, v.value.hash, round.intervalStartMs, m.clock.now());
    const added = round.addSnapshot(v.value);
    // Votes may have overtaken the snapshot: a certificate waiting for it can complete now.
    if (added !== 'known') void this.checkFinal(round);
    if (added === 'equivocation') {
      const e = round.equivocations[round.equivocations.length - 1]!;
      m.alarm('market-equivocation', 'critical', `coordinator ${from} signed two different snapshots for ${round.intervalStart} (attempt ${e.attempt}); both kept as evidence`, { intervalStart: round.intervalStart, coordinator: from, attempt: e.attempt, hashes: [...round.snapshots.get(e.attempt)!.keys()] });
      m.rejections.add('equivocation', from);
      return;
    }
    if (added !== 'new' || round.voted || round.voteScheduled) return;
    // Our own order must be in it if we published one for this interval.
    const own = m.store.ownOrders(round.intervalStartMs).at(-1);
    if (own && !v.value.orders.some((o) => o.signature === own.signature)) {
      m.alarm('market-own-order-missing', 'warning', `snapshot ${v.value.hash.slice(0, 12)}… of ${from} for ${round.intervalStart} lacks this gateway's order; not voting for it`, { intervalStart: round.intervalStart });
      return;
    }
    round.voteScheduled = true;
    m.at(m.clock.now() + roster.parameters.snapshotWindowMs, () => void this.vote(round, v.value.attempt));
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
    const m = this.m;
    round.voteScheduled = false;
    const s = round.votable(attempt);
    if (!s || round.voted || round.status === 'grid-only') return;
    const c = await this.cleared(round, s.hash)!;
    if (round.voted || m.stopped) return;
    round.voted = { attempt, snapshotHash: s.hash, resultHash: c.resultHash };
    round.ownResultHash = c.resultHash;
    const vote = signVote({ marketId: round.roster.marketId, intervalStart: round.intervalStart, voter: m.gatewayId, attempt, snapshotHash: s.hash, resultHash: c.resultHash }, m.identity.seed);
    m.publish(m.topics.of('vote', m.gatewayId), vote);
    m.tally.votesSent++;
    m.changed();
  }

  /** A vote off the broker, parsed, nothing checked yet: market-votes.ts decides when to check it. */
  onVoteMessage(raw: unknown, from: string): void {
    this.votes.onMessage(raw, from);
  }

  /** Checks every vote held back for a round (at its deadline, or when the service stops) and stores the counted ones. */
  flushVotes(round: MarketRound): void {
    this.votes.flush(round);
  }

  onVote(vote: SignedVote, from: string): void {
    const m = this.m;
    if (!m.roster) return m.rejections.add('no-roster', from);
    const T = Date.parse(vote.payload.intervalStart);
    const round = m.rounds.get(T) ?? (Math.abs(T - m.clock.now()) < 4 * intervalMsOf(m.roster) ? m.roundFor(T) : undefined);
    if (!round) return m.rejections.add('wrong-interval', from);
    const r = round.tally.add(vote, from);
    if (!r.ok) {
      m.rejections.add(r.error.kind, from);
      if (r.error.kind === 'double-vote') m.alarm('market-double-vote', 'critical', `${from} voted for two results in ${round.intervalStart}`, { intervalStart: round.intervalStart, voter: from });
      return;
    }
    // Its text is kept: the vote is encoded again in the store and in the certificate, trade and records.
    canonicalJsonOnce(vote);
    round.unsavedVotes.push(vote);
    void this.checkFinal(round);
    if (round.status !== 'open') this.votes.save(round);
  }

  private async checkFinal(round: MarketRound): Promise<void> {
    const m = this.m;
    // Checked before the certificate is built: every vote after finality comes here.
    if (round.status === 'final' || round.certificate) return;
    const cert = round.tally.certificate();
    if (!cert) return;
    const snapshot = round.snapshotByHash(cert.snapshotHash);
    const me = m.members?.byGateway(m.gatewayId);
    const nowMs = (): number => m.clock.now();
    // The certified snapshot may still be on its way; until the deadline, wait for it.
    if (!snapshot && round.status === 'open') return;
    if (!snapshot || !me) {
      // Not kept as this round's certificate: should the snapshot still come, it completes then.
      if (round.reason === 'final-result-unseen') return;
      round.status = 'grid-only';
      round.reason = 'final-result-unseen';
      this.votes.save(round);
      m.store.markGridOnly(round.intervalStartMs, round.roster.marketId, 'final-result-unseen: a majority certified a snapshot this gateway never received', null, nowMs());
      m.alarm('market-final-unseen', 'warning', `a majority certified ${cert.resultHash.slice(0, 12)}… for ${round.intervalStart}, whose snapshot this gateway did not receive; grid only here`, { intervalStart: round.intervalStart });
      m.tally.gridOnly++;
      m.changed();
      return;
    }
    round.certificate = cert;
    const mine = await this.cleared(round, snapshot.hash)!;
    if (m.stopped) return;
    round.ownResultHash ??= mine.resultHash;
    if (mine.resultHash !== cert.resultHash) {
      round.status = 'grid-only';
      round.reason = 'disagreement';
      this.votes.save(round);
      m.store.markGridOnly(round.intervalStartMs, round.roster.marketId, `disagreement: the majority certified ${cert.resultHash}, this gateway cleared ${mine.resultHash}`, mine.resultHash, nowMs());
      m.alarm('market-disagreement', 'critical', `this gateway cleared ${round.intervalStart} to ${mine.resultHash.slice(0, 12)}…, the majority to ${cert.resultHash.slice(0, 12)}…; trading nothing this interval`, { intervalStart: round.intervalStart });
      m.tally.gridOnly++;
      m.changed();
      return;
    }
    // Encoded once: the certificate travels inside the trade, its records and the stored interval.
    canonicalJsonOnce(cert);
    const trade = mine.result ? tradeFromResult(mine.result, cert, me, round.roster.marketId, round.roster.parameters.intervalMinutes) : undefined;
    const wasGridOnly = round.status === 'grid-only';
    this.votes.save(round);
    m.store.saveFinal(round.intervalStartMs, intervalMsOf(round.roster), cert, mine.result, mine.resultHash, trade ? signTrade(trade, m.identity.seed) : undefined, nowMs());
    round.status = 'final';
    round.reason = null;
    round.finalAtMs = nowMs();
    m.tally.finals++;
    if (wasGridOnly) m.alarm('market-no-majority', 'info', `a late certificate made ${round.intervalStart} final`, { intervalStart: round.intervalStart }, true);
    m.changed();
  }

  deadline(T: number): void {
    const m = this.m;
    const round = m.roundFor(T);
    if (round) this.flushVotes(round);
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
    m.store.markGridOnly(T, round.roster.marketId, `no-majority: ${JSON.stringify(counts)}`, round.ownResultHash ?? null, m.clock.now());
    m.alarm('market-no-majority', 'warning', `no majority for ${round.intervalStart} by the deadline; grid only`, { intervalStart: round.intervalStart, votes: counts });
    m.tally.gridOnly++;
    m.changed();
  }
}
