// Exhaustive reference for the read planner, shared by the planner test and the protocols bench.
import { planLineTimeMs, requestCost, type LineModel } from '../../../protocols/modbus/line-time.js';
import type { Span } from '../../../protocols/modbus/planner.js';
import type { DeviceLimits } from '../../../protocols/modbus/registers.js';

/**
 * Exhaustive search, independent of the planner's structure: any set of read intervals (any
 * start, any length up to the limit, not touching a forbidden range) that covers every span.
 * Memoised on the set of spans still uncovered; returns the fewest words per request count.
 */
export function bruteForce(spans: Span[], limits: DeviceLimits): Map<number, number> {
  const max = limits.maxRegistersPerRequest;
  const sorted = [...spans].sort((a, b) => a.address - b.address);
  const memo = new Map<number, Map<number, number>>();
  const solve = (mask: number): Map<number, number> => {
    if (mask === 0) return new Map([[0, 0]]);
    const cached = memo.get(mask);
    if (cached) return cached;
    const first = sorted.findIndex((_, i) => mask & (1 << i));
    const s = sorted[first]!;
    const out = new Map<number, number>();
    for (let a = Math.max(0, s.address + s.words - max); a <= s.address; a++) {
      for (let b = s.address + s.words; b <= a + max; b++) {
        if (limits.forbidden.some((f) => f.functionCode === s.functionCode && a < f.end && b > f.start)) continue;
        let rest = mask;
        sorted.forEach((t, i) => {
          if (t.functionCode === s.functionCode && t.address >= a && t.address + t.words <= b) rest &= ~(1 << i);
        });
        for (const [r, w] of solve(rest)) {
          const prev = out.get(r + 1);
          if (prev === undefined || w + (b - a) < prev) out.set(r + 1, w + (b - a));
        }
      }
    }
    memo.set(mask, out);
    return out;
  };
  return solve((1 << sorted.length) - 1);
}

export function bruteForceTime(spans: Span[], limits: DeviceLimits, line: LineModel): number | undefined {
  const cost = requestCost(line);
  let best: number | undefined;
  for (const [r, w] of bruteForce(spans, limits)) {
    const t = planLineTimeMs(cost, r, w);
    if (best === undefined || t < best) best = t;
  }
  return best;
}


/** Optimum over both function codes: each searched alone, joined by total (requests, words). */
export function bruteForceOptimumMs(spans: Span[], limits: DeviceLimits, line: LineModel): number {
  const per = ([3, 4] as const).map((code) => bruteForce(spans.filter((s) => s.functionCode === code), limits));
  const cost = requestCost(line);
  let best = Infinity;
  for (const [r3, w3] of per[0]!) for (const [r4, w4] of per[1]!) best = Math.min(best, planLineTimeMs(cost, r3 + r4, w3 + w4));
  return best;
}
