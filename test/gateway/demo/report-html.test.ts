// The report page as text: self-contained, escaped, and its chart data right. Drawing is
// checked in chromium by report-html.browser.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCharts } from '../../../gateway/demo/report-charts.js';
import { chartJsUmd, escapeHtml, renderReport, scriptJson } from '../../../gateway/demo/report-html.js';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';

function fixture(): Summary {
  const r = parseSummary(JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json'), 'utf8')));
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

describe('report.html', () => {
  it('inlines chart.js and loads nothing from anywhere: no src, no link, a CSP that forbids fetching', () => {
    const html = renderReport(fixture());
    expect(html).toContain(chartJsUmd().slice(0, 200));
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    // Four canvases, one per chart.
    expect(html.match(/<canvas id="[a-z]+-chart"/g)).toEqual(['<canvas id="flows-chart"', '<canvas id="prices-chart"', '<canvas id="trades-chart"', '<canvas id="costs-chart"']);
  });

  it('lists the intervals that were not final everywhere and which gateway lacked the result', () => {
    const s = fixture();
    const html = renderReport(s);
    const last = s.intervals.at(-1)!;
    expect(last.final).toBe(false);
    expect(html).toMatch(new RegExp(`<table id="unfinished">[\\s\\S]*<th scope="row">${last.intervalStart}</th><td>ila-1: no result</td>`));
    const allFinal = structuredClone(s);
    for (const i of allFinal.intervals) {
      i.final = true;
      for (const k of Object.keys(i.hashes)) i.hashes[k] = i.resultHash;
    }
    expect(renderReport(allFinal)).toContain('<p id="unfinished">Every interval was final on every gateway.</p>');
  });

  it('escapes text for HTML and data for a script element', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const tricky = { s: '</script><!-- \u2028\u2029' };
    const text = scriptJson(tricky);
    expect(text).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(tricky);
  });

  it('charts the district as average power per interval, prices per block and costs in NOK', () => {
    const s = fixture();
    const c = reportCharts(s);
    expect(c.labels).toEqual(['09:00', '09:15', '09:30', '09:45']); // 07:00 UTC in Oslo summer time
    const consumptionWh = s.buildings.reduce((a, b) => a + b.series[0]!.consumptionWh, 0);
    expect(c.flows[0]!.data[0]).toBeCloseTo((consumptionWh * 4) / 1000, 3);
    expect(c.prices.map((p) => p.label)).toEqual(['grid price (retail + tariff) øre/kWh', 'feed-in øre/kWh', 'ila clearing øre/kWh', 'lade clearing øre/kWh', 'moholt clearing øre/kWh']);
    expect(c.prices[2]!.data).toEqual(s.intervals.map((i) => i.blockPrices.ila));
    expect(c.trades[1]!.data[0]).toBe((s.intervals[0]!.result!.blocks.find((b) => b.id === 'lade')!.boughtWh) / 1000);
    expect(c.costs.series[0]!.data).toEqual(s.buildings.map((b) => b.costMinor / 100));
  });
});
