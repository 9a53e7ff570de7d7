// The plan days' agreement, as the interval market's: the coordinator's snapshot of the
// forecasts, verification, the snapshot window, solving, this gateway's one vote per plan day,
// the tally and the certificate. The service owns the I/O and decides what a final plan or a
// disagreement means for the building (store it, or plan alone).
import type { Alarm } from '../events/events.js';
import type { SignedEnvelope } from '../../core/signed-envelope.js';
import type { FinalityCertificate } from '../market/finality.js';
import type { VotePayload } from '../market/messages.js';
import type { MemberIndex } from '../market/order-rules.js';
import type { PriceList } from '../market/prices.js';
import type { Roster } from '../market/roster.js';
import { signPlanSnapshot, signPlanVote, type SignedPlanForecast, type SignedPlanSnapshot } from './plan-messages.js';
import { checkForecast } from './plan-rules.js';
import { PlanRound } from './plan-round.js';
import type { DayAheadPlan, PlanSolve, SolvedPlan } from './plan-schedule.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot, type VerifiedPlanSnapshot } from './plan-snapshot.js';

export interface PlanVotingHost {
  readonly gatewayId: string;
  readonly seed: Uint8Array;
  /** Plan length every snapshot of this gateway has (config horizonIntervals). */
  readonly steps: number;
  /** End of forecast collection for the plan starting at P; undefined when P is not a plan start. */
  collectEndMs(P: number): number | undefined;
  now(): number;
  members(): { roster: Roster; index: MemberIndex } | undefined;
  priceList(planStart: string): SignedEnvelope<PriceList> | null;
  publish(type: 'snapshot' | 'vote', signed: unknown): void;
  at(atMs: number, fn: () => void): void;
  alarm(code: string, severity: Alarm['severity'], message: string, details: Record<string, unknown>): void;
  reject(reason: string, member: string): void;
  stopped(): boolean;
  changed(): void;
  /** A certified plan this gateway solved to the same hash. */
  final(round: PlanRound, snapshot: VerifiedPlanSnapshot, plan: DayAheadPlan, planHash: string, certificate: FinalityCertificate): void;
  /** The majority certified another hash than this gateway's (or an unplannable snapshot). */
  disagree(round: PlanRound, reason: string): void;
  /** Solves off the event loop when given (a worker thread); in this thread otherwise. */
  solve?: PlanSolve;
}

export class PlanVoting {
  readonly rounds = new Map<number, PlanRound>();
  readonly counters = { snapshotsSent: 0, votesSent: 0 };

  constructor(private readonly host: PlanVotingHost) {}

  roundFor(P: number): PlanRound | undefined {
    let r = this.rounds.get(P);
    const m = this.host.members();
    if (!r && m) {
      r = new PlanRound(P, m.roster, m.index);
      this.rounds.set(P, r);
      for (const k of [...this.rounds.keys()]) if (k < P - 3 * 86_400_000) this.rounds.delete(k);
    }
    return r;
  }

  /** Intake: keeps the latest valid forecast per gateway until collection ends. */
  offerForecast(f: SignedPlanForecast, from: string): void {
    const h = this.host;
    const m = h.members();
    if (!m) return h.reject('no-roster', from);
    if (f.payload.gatewayId !== from) return h.reject('topic-mismatch', from);
    const rule = checkForecast(f, m.index);
    if (!rule.ok) return h.reject(rule.error.kind, from);
    const P = Date.parse(f.payload.planStart);
    const collectEndMs = h.collectEndMs(P);
    if (collectEndMs === undefined || f.payload.steps !== h.steps) return h.reject('wrong-plan', from);
    if (h.now() > collectEndMs + m.roster.parameters.clockSkewMs) return h.reject('late', from);
    const round = this.roundFor(P)!;
    const held = round.forecasts.get(from);
    // Our own forecast comes back from the broker: not a replay worth counting.
    if (held?.signature === f.signature) return from === h.gatewayId ? undefined : h.reject('replay', from);
    if (held && held.payload.issuedAt >= f.payload.issuedAt) return h.reject('stale', from);
    round.forecasts.set(from, f);
  }

  coordinate(P: number, attempt: number): void {
    const h = this.host;
    const round = this.roundFor(P);
    if (!round || planCoordinatorFor(round.roster, P, attempt)?.gatewayId !== h.gatewayId) return;
    if (round.status !== 'collecting' || round.earlierSnapshotLive(attempt)) return;
    const snapshot = signPlanSnapshot(
      { marketId: round.roster.marketId, planStart: round.planStart, steps: h.steps, rosterVersion: round.roster.version, attempt, coordinator: h.gatewayId, forecasts: round.forecastsFor(h.steps), prices: h.priceList(round.planStart) ?? null },
      h.seed,
    );
    this.onSnapshot(snapshot, h.gatewayId);
    h.publish('snapshot', snapshot);
    this.counters.snapshotsSent++;
  }

  onSnapshot(env: SignedPlanSnapshot, from: string): void {
    const h = this.host;
    const m = h.members();
    if (!m) return h.reject('no-roster', from);
    if (env.payload.coordinator !== from) return h.reject('topic-mismatch', from);
    const v = verifyPlanSnapshot(env, m.roster, m.index);
    if (!v.ok) return h.reject(`snapshot-${v.error.kind}`, from);
    const round = this.roundFor(v.value.planStartMs)!;
    const added = round.addSnapshot(v.value);
    if (added !== 'known') void this.checkFinal(round);
    if (added === 'equivocation') {
      h.reject('equivocation', from);
      h.alarm('plan-equivocation', 'critical', `coordinator ${from} signed two different plan snapshots for ${round.planStart} (attempt ${v.value.attempt})`, { planStart: round.planStart, coordinator: from });
      return;
    }
    if (added !== 'new' || round.voted || round.voteScheduled) return;
    if (round.forecasts.has(h.gatewayId) && !v.value.forecasts.some((f) => f.payload.gatewayId === h.gatewayId)) {
      h.alarm('plan-own-forecast-missing', 'warning', `plan snapshot of ${from} for ${round.planStart} lacks this gateway's forecast; not voting for it`, { planStart: round.planStart });
      return;
    }
    round.voteScheduled = true;
    h.at(h.now() + m.roster.parameters.snapshotWindowMs, () => void this.vote(round, v.value.attempt));
  }

  private solved(round: PlanRound, hash: string): Promise<SolvedPlan> | undefined {
    let p = round.solved.get(hash);
    const s = round.snapshotByHash(hash);
    if (!p && s) {
      p = solveSnapshot(s, round.roster, this.host.solve);
      round.solved.set(hash, p);
    }
    return p;
  }

  private async vote(round: PlanRound, attempt: number): Promise<void> {
    const h = this.host;
    round.voteScheduled = false;
    const s = round.votable(attempt);
    if (!s || round.voted || round.status === 'final') return;
    const solved = await this.solved(round, s.hash)!;
    if (round.voted || h.stopped()) return;
    round.voted = { attempt, snapshotHash: s.hash, planHash: solved.planHash };
    const vote = signPlanVote({ marketId: round.roster.marketId, intervalStart: round.planStart, voter: h.gatewayId, attempt, snapshotHash: s.hash, resultHash: solved.planHash }, h.seed);
    this.onVote(vote, h.gatewayId);
    h.publish('vote', vote);
    this.counters.votesSent++;
    h.changed();
  }

  onVote(vote: SignedEnvelope<VotePayload>, from: string): void {
    const h = this.host;
    const P = Date.parse(vote.payload.intervalStart);
    const round = this.rounds.get(P) ?? (Math.abs(P - h.now()) < 2 * 86_400_000 ? this.roundFor(P) : undefined);
    if (!round) return h.reject(h.members() ? 'wrong-plan' : 'no-roster', from);
    const r = round.tally.add(vote, from);
    if (!r.ok) {
      if (r.error.kind === 'replay' && from === h.gatewayId) return;
      h.reject(r.error.kind, from);
      if (r.error.kind === 'double-vote') h.alarm('plan-double-vote', 'critical', `${from} voted for two plans for ${round.planStart}`, { planStart: round.planStart, voter: from });
      return;
    }
    void this.checkFinal(round);
  }

  private async checkFinal(round: PlanRound): Promise<void> {
    const h = this.host;
    const cert = round.tally.certificate();
    if (!cert || round.status === 'final' || round.certificate) return;
    const snapshot = round.snapshotByHash(cert.snapshotHash);
    // The certified snapshot may still be on its way; the deadline plans alone without it.
    if (!snapshot) return;
    round.certificate = cert;
    const mine = await this.solved(round, snapshot.hash)!;
    if (h.stopped()) return;
    if (mine.planHash !== cert.resultHash || !mine.plan) {
      round.reason = mine.plan ? 'disagreement' : `unplannable: ${mine.failure ?? ''}`;
      h.alarm('plan-disagreement', 'critical', `this gateway solved the plan for ${round.planStart} to ${mine.planHash.slice(0, 12)}…, the majority to ${cert.resultHash.slice(0, 12)}…; planning alone`, { planStart: round.planStart });
      return h.disagree(round, round.reason);
    }
    h.final(round, snapshot, mine.plan, mine.planHash, cert);
  }
}
