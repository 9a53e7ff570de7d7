// What the market service shows: one interval as tests and the API see it, and the service's
// entry in ctx.status (recent intervals, rejections by reason and member, counters).
import type { MarketContext } from './market-context.js';

/** What the service reports through ctx.status and to tests. */
export interface MarketIntervalView {
  intervalStart: string;
  status: 'open' | 'final' | 'grid-only';
  reason: string | null;
  resultHash: string | null;
  attempt: number | null;
  votes: number;
}

export function intervalView(m: MarketContext, intervalStartMs: number): MarketIntervalView | undefined {
  const r = m.rounds.get(intervalStartMs);
  if (!r) return undefined;
  return { intervalStart: r.intervalStart, status: r.status, reason: r.reason, resultHash: r.status === 'final' ? (r.certificate?.resultHash ?? null) : null, attempt: r.certificate?.attempt ?? null, votes: r.tally.counts().reduce((s, c) => s + c.votes, 0) };
}

export function marketCounters(m: MarketContext) {
  return { ...(m.link?.counters ?? { published: 0, publishedBytes: 0, received: 0, receivedBytes: 0 }), ...m.tally };
}

export function marketStatus(m: MarketContext): Record<string, unknown> {
  const recent = [...m.rounds.keys()].sort((a, b) => b - a).slice(0, 8);
  return {
    marketId: m.options.market.marketId,
    gatewayId: m.gatewayId,
    publicKey: m.identity.publicKey,
    rosterVersion: m.roster?.version ?? null,
    connected: m.link?.connected ?? false,
    intervals: recent.map((t) => intervalView(m, t)),
    rejections: m.rejections.snapshot(),
    rosterRefusals: Object.fromEntries(m.rosterHolder.refused),
    counters: { ...marketCounters(m) },
  };
}
