// What a demo day must show to count as a success (issue 13's "done when"): every interval final
// on every gateway with one hash, and the district not paying more with the market than alone.
// The demo's test and `nabo demo --exit` read the same list; each problem is one line of text.
import type { Summary } from './summary.js';

export interface DemoExpectations {
  /** Intervals at the start of the day allowed to miss finality (meters' first counters, start-up). */
  warmUpIntervals?: number;
  /** Count the market dearer than alone as a problem (default true; a run without control measures it instead). */
  marketNotDearer?: boolean;
}

export function demoProblems(s: Summary, expect: DemoExpectations = {}): string[] {
  const problems: string[] = [];
  const warmUp = expect.warmUpIntervals ?? 0;
  for (const [k, i] of s.intervals.entries()) {
    if (k < warmUp) continue;
    const hashes = Object.entries(i.hashes);
    const missing = hashes.filter(([, h]) => h === null).map(([g]) => g);
    const distinct = new Set(hashes.map(([, h]) => h).filter((h) => h !== null));
    if (hashes.length === 0) problems.push(`${i.intervalStart}: no gateway reported`);
    else if (distinct.size > 1) problems.push(`${i.intervalStart}: gateways hold ${distinct.size} different result hashes`);
    else if (missing.length > 0) problems.push(`${i.intervalStart}: not final on ${missing.join(', ')}`);
    else if (!i.final) problems.push(`${i.intervalStart}: not marked final although every gateway holds ${[...distinct][0]}`);
  }
  if (expect.marketNotDearer !== false && s.district.costMinor > s.district.costAloneMinor) problems.push(`the district paid ${s.district.costMinor} øre with the market, more than ${s.district.costAloneMinor} øre alone`);
  return problems;
}
