import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoProblems } from '../../../gateway/demo/summary-checks.js';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';

function fixture(): Summary {
  const r = parseSummary(JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json'), 'utf8')));
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

describe('demo day checks', () => {
  it('name the interval that is not final and the gateway that lacks it', () => {
    const s = fixture();
    const last = s.intervals.at(-1)!;
    expect(demoProblems(s)).toEqual([`${last.intervalStart}: not final on ila-1`]);
  });

  it('pass a day where every interval is final everywhere and the market costs no more than alone', () => {
    const s = fixture();
    const last = s.intervals.at(-1)!;
    last.hashes['ila-1'] = last.resultHash;
    last.final = true;
    expect(demoProblems(s)).toEqual([]);
  });

  it('report gateways that disagree, warm-up intervals excepted, and a district that paid more with the market', () => {
    const s = fixture();
    s.intervals[0]!.hashes['lade-2'] = 'f'.repeat(64);
    s.intervals[0]!.final = false;
    s.district.costMinor = s.district.costAloneMinor + 1;
    expect(demoProblems(s)).toEqual([
      `${s.intervals[0]!.intervalStart}: gateways hold 2 different result hashes`,
      `${s.intervals.at(-1)!.intervalStart}: not final on ila-1`,
      `the district paid ${s.district.costMinor} øre with the market, more than ${s.district.costAloneMinor} øre alone`,
    ]);
    expect(demoProblems(s, { warmUpIntervals: 1 })).toHaveLength(2);
  });
});
