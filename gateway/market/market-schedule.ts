// The market's timetable per interval T (docs/market-protocol.md, "One interval"): this
// gateway's order before gate closure G, each coordinator attempt's turn after G + clock skew,
// and the finality deadline; kept two intervals ahead of now and extended at every gate closure.
import type { MarketContext } from './market-context.js';
import { gateClosureMs } from './order-rules.js';
import { intervalMsOf } from './roster.js';

export interface ScheduledTasks {
  sendOrder(intervalStartMs: number): void;
  coordinate(intervalStartMs: number, attempt: number): void;
  deadline(intervalStartMs: number): void;
}

export class MarketSchedule {
  private scheduledUntilMs = 0;

  constructor(
    private readonly m: MarketContext,
    private readonly tasks: ScheduledTasks,
  ) {}

  /** Schedules each interval whose order time is still ahead, two intervals ahead of now. */
  ahead(): void {
    const roster = this.m.roster;
    if (!roster) return;
    const intervalMs = intervalMsOf(roster);
    const p = roster.parameters;
    const now = this.m.clock.now();
    let t = Math.max(this.scheduledUntilMs, Math.ceil((now + p.gateClosureLeadMs) / intervalMs) * intervalMs);
    for (; t <= now + p.gateClosureLeadMs + 2 * intervalMs; t += intervalMs) {
      const T = t;
      const gate = gateClosureMs(roster, T);
      this.m.at(Math.max(now, gate - this.m.options.market.orderLeadMs), () => this.tasks.sendOrder(T));
      for (let a = 0; a < p.maxCoordinatorAttempts; a++) this.m.at(gate + p.clockSkewMs + a * p.coordinatorTimeoutMs, () => this.tasks.coordinate(T, a));
      this.m.at(gate + p.finalityTimeoutMs, () => this.tasks.deadline(T));
      this.m.at(gate, () => this.ahead());
      this.scheduledUntilMs = T + intervalMs;
    }
    this.m.intake.prune(now - 2 * intervalMs);
    this.m.verified.prune(now - 2 * intervalMs);
    for (const k of [...this.m.rounds.keys()]) if (k < now - 8 * intervalMs) this.m.rounds.delete(k);
  }
}
