// summary.json's schema against a fixture the generator builds from a seed and the real
// clearing (never hand-typed). UPDATE_DEMO_FIXTURE=1 rewrites the fixture from the generator.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';
import { generateSummary } from './summary-generator.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json');
/** Midsummer 2026, 09:00–10:00 local (07:00–08:00 UTC): PV rising, local trades, one interval left unfinished. */
const FIXTURE_OPTIONS = { seed: 7, date: '2026-06-21', window: { from: 36, to: 40 } };

function fixture(): unknown {
  if (process.env.UPDATE_DEMO_FIXTURE === '1') return null;
  if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run this test once with UPDATE_DEMO_FIXTURE=1`);
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown;
}

function clone(s: unknown): Summary {
  return structuredClone(s) as Summary;
}

describe('summary.json', () => {
  it('the fixture is exactly what the generator makes from its seed, and it parses', async () => {
    const generated = JSON.parse(JSON.stringify(await generateSummary(FIXTURE_OPTIONS))) as unknown;
    if (process.env.UPDATE_DEMO_FIXTURE === '1') writeFileSync(FIXTURE, `${JSON.stringify(generated, null, 1)}\n`);
    expect(fixture() ?? generated).toEqual(generated);
    const parsed = parseSummary(generated);
    expect(parsed.ok ? 'ok' : parsed.error.detail).toBe('ok');
  });

  it('a generated day keeps the district at or below its cost alone and leaves the unfinished interval unfinished', async () => {
    const s = await generateSummary({ seed: 11, date: '2026-06-21', window: { from: 32, to: 48 } });
    const parsed = parseSummary(JSON.parse(JSON.stringify(s)));
    expect(parsed.ok).toBe(true);
    expect(s.district.costMinor).toBeLessThanOrEqual(s.district.costAloneMinor);
    expect(s.district.tradedWh).toBeGreaterThan(0);
    const last = s.intervals.at(-1)!;
    expect(last.final).toBe(false);
    expect(Object.values(last.hashes)).toContain(null);
    expect(s.intervals.slice(0, -1).every((i) => i.final && Object.values(i.hashes).every((h) => h === i.resultHash))).toBe(true);
  });

  it('rejects a building whose totals are not the sum of its series, naming the field', () => {
    const s = clone(fixture() ?? null);
    if (!s) return;
    s.buildings[1]!.pvWh += 1;
    const r = parseSummary(s);
    expect(r.ok ? 'accepted' : r.error.detail).toMatch(/^buildings\[1\]\.pvWh: .*not the sum of the series/);
  });

  it('rejects a district total that is not the sum over its buildings', () => {
    const s = clone(fixture() ?? null);
    if (!s) return;
    s.district.costMinor -= 1;
    const r = parseSummary(s);
    expect(r.ok ? 'accepted' : r.error.detail).toMatch(/^district\.costMinor: /);
  });

  it('rejects a book the clearing would refuse, with the book field named', () => {
    const s = clone(fixture() ?? null);
    if (!s) return;
    (s.intervals[0]!.book as { blocks: Array<{ gridExportPriceMinorPerKWh: number }> }).blocks[0]!.gridExportPriceMinorPerKWh = 10_000;
    const r = parseSummary(s);
    expect(r.ok ? 'accepted' : r.error.detail).toMatch(/^intervals\[0\]\.book: blocks\[0\]\.gridExportPriceMinorPerKWh/);
  });

  it('rejects a final interval without a result hash, an unknown field and a bad hash', () => {
    const a = clone(fixture() ?? null);
    if (!a) return;
    a.intervals[0]!.resultHash = null;
    const ra = parseSummary(a);
    expect(ra.ok ? 'accepted' : ra.error.detail).toBe('intervals[0].resultHash: a final interval has a result hash');
    const b = clone(a) as unknown as Record<string, unknown>;
    b.extra = 1;
    const rb = parseSummary(b);
    expect(rb.ok ? 'accepted' : rb.error.detail).toMatch(/extra|Unrecognized/);
    const c = clone(fixture());
    c.intervals[0]!.hashes['ila-1'] = 'ABC';
    const rc = parseSummary(c);
    expect(rc.ok ? 'accepted' : rc.error.detail).toMatch(/^intervals\[0\]\.hashes\.ila-1: /);
  });

  it('rejects an interval called final while a gateway holds no hash or another one', () => {
    const s = clone(fixture() ?? null);
    if (!s) return;
    s.intervals[1]!.hashes['lade-2'] = null;
    const r = parseSummary(s);
    expect(r.ok ? 'accepted' : r.error.detail).toBe('intervals[1].hashes: final on every gateway: every gateway holds the result hash');
    s.intervals[1]!.hashes['lade-2'] = '0'.repeat(64);
    expect(parseSummary(s).ok).toBe(false);
  });

  it('rejects series that do not follow the intervals', () => {
    const s = clone(fixture() ?? null);
    if (!s) return;
    s.buildings[0]!.series.pop();
    const r = parseSummary(s);
    expect(r.ok ? 'accepted' : r.error.detail).toMatch(/^buildings\[0\]\.series: one point per interval/);
  });
});
