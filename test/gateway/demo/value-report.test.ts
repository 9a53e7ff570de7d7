// The value section in the end-of-run tables and in report.html, on the fixture with the
// value typed by hand in value-example.ts (district: alone 1.60, market 0.90, with control −2.12 NOK).
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../gateway/demo/report-html.js';
import { formatShare, summaryTables, VALUE_HEADERS, valueLine, valueRows } from '../../../gateway/demo/summary-tables.js';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';
import { fixtureDay, fixtureWithValue } from './value-example.js';

function withValue(market?: number[]): Summary {
  const parsed = parseSummary(JSON.parse(JSON.stringify(fixtureWithValue(market))));
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value;
}

describe('the value in the tables and the report', () => {
  it('has a row per building and the district last, with savings against alone as a share of its size', () => {
    const rows = valueRows(withValue());
    expect(rows).toHaveLength(11);
    // 160 alone, 90 with the market (70/160 = 43.75 %), −212 with control (372/160 = 232.5 %).
    expect(rows.at(-1)).toEqual(['district', '', '1.60', '0.90', '-2.12', '43.8 %', '232.5 %', '-1.89', '–']);
    // lade-3: 300, 250 (16.7 %), 26 (91.3 %).
    expect(rows[5]).toEqual(['lade-3', 'lade', '3.00', '2.50', '0.26', '16.7 %', '91.3 %', '0.44', '–']);
    // A building alone at 0 has no share to show.
    expect(rows[3]![5]).toBe('–');
    expect(formatShare(-0.2)).toBe('-20.0 %');
  });

  it('says in words whether control paid, and says so when it did not', () => {
    expect(valueLine(withValue())).toMatch(/control saved 3\.02 NOK more than the market alone/);
    // ila-1's market without control at −10.90 NOK: the district's at −10.00.
    expect(valueLine(withValue([-1000, 50, -25, 0, 0, 250, 0, -150, -85, -40]))).toMatch(/the market with control was not cheaper than without it \(-2\.12 against -10\.00 NOK\)/);
  });

  it('the tables and the report show the value section only when the summary has one', () => {
    const plain = fixtureDay();
    expect(summaryTables(plain)).not.toMatch(/market without control/);
    expect(renderReport(plain)).not.toMatch(/id="value"/);
    const text = summaryTables(withValue());
    for (const h of VALUE_HEADERS) expect(text).toContain(h);
    const html = renderReport(withValue());
    expect(html).toMatch(/<table id="value">/);
    expect(html).toContain('<th scope="row">district</th><td></td><td>1.60</td><td>0.90</td><td>-2.12</td>');
  });
});
