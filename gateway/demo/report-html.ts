// report.html of a demo day: one self-contained file (chart.js from node_modules inlined, the
// data as JSON in the page, a CSP that forbids every fetch), so it opens from a file on a
// machine without network. Every string from the summary is escaped for where it lands.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { reportCharts } from './report-charts.js';
import { BLOCK_HEADERS, BUILDING_HEADERS, VALUE_HEADERS, blockRows, buildingRows, formatKWh, formatMoney, formatPercent, intervalsLine, valueLine, valueRows } from './summary-tables.js';
import type { Summary } from './summary.js';

let chartJsCache: string | undefined;

/** chart.js's UMD build, read as the dashboard reads it (gateway/api/dashboard-assets.ts). */
export function chartJsUmd(): string {
  if (chartJsCache === undefined) {
    // chart.js exports only its ESM/CJS builds; the UMD file sits beside the CJS one.
    const chartDir = dirname(createRequire(import.meta.url).resolve('chart.js'));
    chartJsCache = readFileSync(join(chartDir, 'chart.umd.min.js'), 'utf8');
  }
  return chartJsCache;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`, no JS line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text that cannot close its own element early. */
function scriptText(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

function table(id: string, headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5rem; color: #1d2433; background: #fafbfc; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.kpis { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
.kpi { background: #fff; border: 1px solid #dde2ea; border-radius: 6px; padding: .6rem .9rem; min-width: 10rem; }
.kpi .value { font-size: 1.3rem; font-weight: 600; } .kpi .label { color: #5a6478; font-size: .85rem; }
.chart { position: relative; height: 320px; background: #fff; border: 1px solid #dde2ea; border-radius: 6px; padding: .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e9f0; padding: .3rem .5rem; text-align: right; } th:first-child, thead th:first-child { text-align: left; }
th[scope="row"] { white-space: nowrap; } thead th { background: #eef1f6; } tbody tr:last-child th, tbody tr:last-child td { font-weight: 600; }
#blocks tbody tr:last-child th, #blocks tbody tr:last-child td, #unfinished tbody tr:last-child th, #unfinished tbody tr:last-child td { font-weight: normal; }
.muted { color: #5a6478; font-size: .9rem; } code { font-size: .85rem; }
`;

// Draws the four charts from #report-data; window.naboReport says which exist (the browser test reads it).
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2f6fde', '#f0a202', '#c0392b', '#27ae60', '#8e44ad', '#16a085', '#d35400', '#7f8c8d'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function sets(series, extra) {
    return series.map(function (s, k) {
      var c = palette[k % palette.length];
      return Object.assign({ label: s.label, data: s.data, borderColor: c, backgroundColor: c, pointRadius: 0, borderWidth: 2 }, extra || {});
    });
  }
  var charts = {};
  charts.flows = new Chart(document.getElementById('flows-chart'), { type: 'line', data: { labels: data.labels, datasets: sets(data.flows, { tension: 0.25 }) }, options: { scales: { y: { title: { display: true, text: 'kW' } } } } });
  charts.prices = new Chart(document.getElementById('prices-chart'), { type: 'line', data: { labels: data.labels, datasets: sets(data.prices, { stepped: true, spanGaps: false }) }, options: { scales: { y: { title: { display: true, text: 'øre/kWh' } } } } });
  charts.trades = new Chart(document.getElementById('trades-chart'), { type: 'bar', data: { labels: data.labels, datasets: sets(data.trades) }, options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'kWh traded' } } } } });
  charts.costs = new Chart(document.getElementById('costs-chart'), { type: 'bar', data: { labels: data.costs.labels, datasets: sets(data.costs.series) }, options: { scales: { y: { title: { display: true, text: 'NOK (negative: earned)' } } } } });
  window.naboReport = { charts: Object.keys(charts) };
})();
`;

/** Intervals that did not become final everywhere, with the gateways that lack the hash or hold another. */
function unfinished(s: Summary): string {
  const rows = s.intervals
    .filter((i) => !i.final)
    .map((i) => {
      const odd = Object.entries(i.hashes).filter(([, h]) => h === null || h !== i.resultHash);
      const who = odd.map(([gw, h]) => `${gw}: ${h === null ? 'no result' : `other hash ${h.slice(0, 12)}…`}`).join(', ');
      return [i.intervalStart, i.resultHash === null ? 'no final result' : who || 'not final'];
    });
  if (rows.length === 0) return '<p id="unfinished">Every interval was final on every gateway.</p>';
  return table('unfinished', ['interval (UTC)', 'what was missing'], rows);
}

function kpi(label: string, value: string, id: string): string {
  return `<div class="kpi" id="${id}"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

/** The whole report page for a summary (already checked by parseSummary). */
export function renderReport(s: Summary): string {
  const d = s.district;
  const title = `nabo demo: ${d.marketId}, ${d.date}`;
  const sources = Object.entries(d.sources).map(([k, v]) => `<li><b>${escapeHtml(k)}</b>: ${escapeHtml(v)}</li>`).join('\n');
  const anchors = s.anchors.map((a) => `<li><code>${escapeHtml(a.root)}</code>: ${a.records} records</li>`).join('\n');
  const speed = d.speed === 'max' ? 'max' : `${d.speed}×`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(intervalsLine(s))}; seed ${d.seed}, speed ${escapeHtml(speed)}, prices in ${escapeHtml(d.currency)} (øre/kWh excl. VAT).</p>
<div class="kpis">
${kpi('cost with the market, NOK', formatMoney(d.costMinor), 'kpi-cost')}
${kpi('cost alone on the grid, NOK', formatMoney(d.costAloneMinor), 'kpi-cost-alone')}
${kpi('saving, NOK', formatMoney(d.costAloneMinor - d.costMinor), 'kpi-saving')}
${kpi('traded locally, kWh', formatKWh(d.tradedWh), 'kpi-traded')}
${kpi('self-sufficiency', formatPercent(d.selfSufficiency), 'kpi-self')}
</div>
<h2>Power flows of the district</h2>
<div class="chart"><canvas id="flows-chart" aria-label="power flows"></canvas></div>
<h2>Block clearing prices against the grid price and feed-in</h2>
<div class="chart"><canvas id="prices-chart" aria-label="prices"></canvas></div>
<h2>Energy traded per interval and block</h2>
<div class="chart"><canvas id="trades-chart" aria-label="trades"></canvas></div>
<h2>Cost per building: with the market against alone</h2>
<div class="chart"><canvas id="costs-chart" aria-label="costs"></canvas></div>
<h2>Buildings</h2>
${table('buildings', BUILDING_HEADERS, buildingRows(s))}
<h2>Blocks</h2>
${table('blocks', BLOCK_HEADERS, blockRows(s))}
${s.value ? `<h2>Value: alone, the market without control, the market with control</h2>\n<p class="muted" id="value-line">${escapeHtml(valueLine(s))}</p>\n${table('value', VALUE_HEADERS, valueRows(s))}\n` : ''}<h2>Intervals not final everywhere</h2>
${unfinished(s)}
<h2>Operator and ledger</h2>
<p id="operator">The operator stored ${s.operator.recordsStored} records, dropped ${s.operator.duplicatesDropped} duplicates and refused ${s.operator.refused}.</p>
<ul id="anchors">${anchors || '<li>no anchors</li>'}</ul>
<h2>Where the prices come from</h2>
<ul id="sources">${sources}</ul>
<script type="application/json" id="report-data">${scriptJson(reportCharts(s))}</script>
<script>${scriptText(chartJsUmd())}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
