// When a vote's signature is checked (docs/market-protocol.md, "When a vote's signature is
// checked"): every gateway receives every member's vote, and the check is a vote's costliest
// step, so votes are held under the result they claim and checked, on the thread pool, once
// that result could make a certificate; once final, the rest wait for the deadline. Each vote
// is checked before it counts; the counted ones are stored in one transaction per round.
import { voteKeyOf, type SignedVote } from './finality.js';
import type { MarketContext } from './market-context.js';
import type { MarketRound } from './market-round.js';
import { checkSigned, checkSignedTextAsync, VOTE_DOMAIN, votePayloadSchema } from './messages.js';

export class MarketVotes {
  constructor(
    private readonly m: MarketContext,
    /** Counts a vote whose signature and shape were checked (the consensus's tally and finality). */
    private readonly count: (vote: SignedVote, from: string) => void,
  ) {}

  /**
   * A vote off the broker, parsed, its signature not yet checked (the costliest part of a vote:
   * one per member at every gateway). Checked at once unless its interval's round is open here:
   * - this gateway already holds a certificate: the vote can change nothing here, and is checked
   *   at the deadline, off the path by which the others reach finality;
   * - otherwise it is held under the result it claims, and a result's votes are checked (each,
   *   before it counts; on the thread pool, so the event loop goes on) as soon as enough are there
   *   to make a certificate; the rest wait for the deadline. So a gateway checks a majority of
   *   votes before it is final, not all that came.
   * Bounded: beyond twice the members per round, votes are checked at once.
   */
  onMessage(raw: unknown, from: string): void {
    const claim = this.m.options.baseline ? undefined : voteClaim(raw);
    const round = claim ? this.m.rounds.get(claim.intervalStartMs) : undefined;
    if (!claim || !round || round.status === 'grid-only') return this.checkVote(raw, from);
    const bound = 2 * round.roster.members.length;
    if (round.certificate || round.status === 'final') {
      if (round.lateVotes.length >= bound) return this.checkVote(raw, from);
      round.lateVotes.push({ raw, from });
      this.m.tally.votesDeferred++;
      return;
    }
    if (round.heldVotes >= bound) return this.checkVote(raw, from);
    const group = round.held.get(claim.key) ?? [];
    group.push({ raw, from });
    round.held.set(claim.key, group);
    round.heldVotes++;
    if (round.tally.countOf(claim.key) + (round.checking.get(claim.key) ?? 0) + group.length >= round.tally.need) this.checkHeld(round, claim.key);
  }

  /** Starts the checks of a result's held votes, as many as it lacks for a majority (counted and running included). */
  private checkHeld(round: MarketRound, key: string): void {
    const group = round.held.get(key) ?? [];
    let running = round.checking.get(key) ?? 0;
    while (group.length > 0 && round.tally.countOf(key) + running < round.tally.need) {
      const { raw, from } = group.shift()!;
      round.heldVotes--;
      running++;
      this.checkHeldVote(round, key, raw, from);
    }
    round.checking.set(key, running);
    if (group.length === 0) round.held.delete(key);
  }

  private checkHeldVote(round: MarketRound, key: string, raw: unknown, from: string): void {
    const m = this.m;
    m.tally.votesChecked++;
    const check = checkSignedTextAsync(raw, VOTE_DOMAIN, votePayloadSchema)
      .then((v) => {
        round.checking.set(key, (round.checking.get(key) ?? 1) - 1);
        if (m.stopped) return;
        if (!v.ok) m.rejections.add(v.error.kind, from);
        else this.count(v.value.envelope, from);
        // A refused vote leaves its result short of a majority: the next held one is checked.
        this.checkHeld(round, key);
        m.changed();
      })
      .catch((err: unknown) => m.log.error({ err }, 'market: a vote check failed'))
      .finally(() => m.checksRunning.delete(check));
    m.checksRunning.add(check);
  }

  /** Checks every vote held back for a round (at its deadline, or when the service stops) and stores the counted ones. */
  flush(round: MarketRound): void {
    const waiting = [...[...round.held.values()].flat(), ...round.lateVotes.splice(0)];
    round.held.clear();
    round.heldVotes = 0;
    for (const { raw, from } of waiting) this.checkVote(raw, from);
    this.save(round);
    if (waiting.length > 0) this.m.changed();
  }

  private checkVote(raw: unknown, from: string): void {
    this.m.tally.votesChecked++;
    const v = checkSigned(raw, VOTE_DOMAIN, votePayloadSchema);
    if (!v.ok) return this.m.rejections.add(v.error.kind, from);
    this.count(v.value, from);
  }

  /** The votes counted since the last write, in one transaction (one commit per round, not per vote). */
  save(round: MarketRound): void {
    if (round.unsavedVotes.length === 0 || this.m.stopped) return;
    this.m.store.saveVotes(round.unsavedVotes.splice(0), round.intervalStartMs, this.m.clock.now());
  }
}

/** What a parsed vote claims (interval and result), read without checking anything; undefined if it does not even say. */
function voteClaim(raw: unknown): { intervalStartMs: number; key: string } | undefined {
  const p = raw !== null && typeof raw === 'object' ? (raw as { payload?: unknown }).payload : undefined;
  if (p === null || typeof p !== 'object') return undefined;
  const { intervalStart, attempt, snapshotHash, resultHash } = p as Record<string, unknown>;
  if (typeof intervalStart !== 'string' || typeof attempt !== 'number' || typeof snapshotHash !== 'string' || typeof resultHash !== 'string') return undefined;
  const intervalStartMs = Date.parse(intervalStart);
  return Number.isFinite(intervalStartMs) ? { intervalStartMs, key: voteKeyOf({ attempt, snapshotHash, resultHash }) } : undefined;
}
