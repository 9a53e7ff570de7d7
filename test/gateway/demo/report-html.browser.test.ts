// report.html in a real browser (Debian's chromium, headless, through playwright-core; never a
// downloaded browser), opened from a file:// URL with the network off: every chart must draw
// from the inlined chart.js, and strings from the summary must stay text.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { renderReport } from '../../../gateway/demo/report-html.js';
import { formatMoney } from '../../../gateway/demo/summary-tables.js';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { generateSummary } from './summary-generator.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (gitignored), so a person can look at what the test saw. */
const OUTPUT_DIR = join(process.cwd(), 'test-output', 'demo');
const CHART_IDS = ['flows-chart', 'prices-chart', 'trades-chart', 'costs-chart'];

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
afterAll(removeTempFolders);

async function openOffline(html: string): Promise<{ page: Page; outside: string[]; errors: string[] }> {
  if (!existsSync(CHROMIUM)) throw new Error(`this test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`);
  const file = join(tempFolder('nabo-report-'), 'report.html');
  writeFileSync(file, html);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  cleanup.push(() => browser.close());
  const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
  const outside: string[] = [];
  // Anything but the file itself is a request the report must not make.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (globalThis as unknown as { naboReport?: unknown }).naboReport !== undefined, undefined, { timeout: 15_000 });
  return { page, outside, errors };
}

interface ChartState {
  datasets: number;
  points: number;
  nonZero: number;
  /** Pixels in a series colour. */
  paintedPixels: number;
}

/** Each chart's chart.js instance and how many pixels of its canvas are painted. */
async function chartStates(page: Page): Promise<Record<string, ChartState>> {
  return page.evaluate((ids) => {
    // No DOM types in this project's tsconfig: the page's objects are described as far as used.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    type ChartLike = { data: { datasets: Array<{ data: Array<number | null> }> } };
    const g = globalThis as unknown as { document: { getElementById(id: string): Canvas }; Chart: { getChart(c: Canvas): ChartLike | undefined } };
    const out: Record<string, { datasets: number; points: number; nonZero: number; paintedPixels: number }> = {};
    for (const id of ids) {
      const canvas = g.document.getElementById(id);
      const chart = g.Chart.getChart(canvas);
      const values = chart ? chart.data.datasets.flatMap((d) => d.data) : [];
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      // Painted in a series colour (the page's palette), not merely axes and grid lines.
      const palette = [[0x2f, 0x6f, 0xde], [0xf0, 0xa2, 0x02], [0xc0, 0x39, 0x2b], [0x27, 0xae, 0x60], [0x8e, 0x44, 0xad]];
      let painted = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3]! < 200) continue;
        if (palette.some((c) => Math.abs(c[0]! - pixels[i]!) + Math.abs(c[1]! - pixels[i + 1]!) + Math.abs(c[2]! - pixels[i + 2]!) < 24)) painted++;
      }
      out[id] = { datasets: chart?.data.datasets.length ?? 0, points: values.length, nonZero: values.filter((v) => v !== null && v !== 0).length, paintedPixels: painted };
    }
    return out;
  }, CHART_IDS);
}

function renameBuilding(s: Summary, from: string, to: string): void {
  const b = s.buildings.find((x) => x.id === from)!;
  b.id = to;
  for (const block of s.blocks) block.buildings = block.buildings.map((m) => (m === from ? to : m));
  for (const i of s.intervals) {
    i.hashes[to] = i.hashes[from] ?? null;
    delete i.hashes[from];
  }
}

describe('report.html in chromium (needs /usr/bin/chromium)', () => {
  it('draws all four charts of a whole day from the inlined chart.js with the network off, and shows the tables', { timeout: 90_000 }, async () => {
    const summary = await generateSummary({ seed: 7, date: '2026-06-21' });
    expect(parseSummary(JSON.parse(JSON.stringify(summary))).ok).toBe(true);
    const { page, outside, errors } = await openOffline(renderReport(summary));

    const states = await chartStates(page);
    for (const id of CHART_IDS) {
      const st = states[id]!;
      expect(st.datasets, `${id} datasets`).toBeGreaterThan(0);
      expect(st.nonZero, `${id} non-zero values`).toBeGreaterThan(0);
      // Legend boxes alone paint about 500 pixels per series; the day's lines and bars 10 000 to 50 000.
      expect(st.paintedPixels, `${id} painted pixels`).toBeGreaterThan(5000);
    }
    expect(states['flows-chart']!.points).toBe(5 * 96);
    expect(states['trades-chart']!.datasets).toBe(summary.blocks.length);
    expect(states['costs-chart']!.points).toBe(2 * summary.buildings.length);

    expect(await page.locator('#buildings tbody tr').count()).toBe(summary.buildings.length + 1);
    expect(await page.locator('#blocks tbody tr').count()).toBe(summary.blocks.length);
    expect(await page.locator('#kpi-cost .value').textContent()).toBe(formatMoney(summary.district.costMinor));
    expect(await page.locator('#kpi-cost-alone .value').textContent()).toBe(formatMoney(summary.district.costAloneMinor));
    expect(await page.locator('#buildings tbody tr').first().locator('td').nth(5).textContent()).toBe(formatMoney(summary.buildings[0]!.costMinor)); // the first column is a row header

    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'report.png'), fullPage: true });
    expect(existsSync(join(OUTPUT_DIR, 'report.png'))).toBe(true);
  });

  it('keeps markup and script in summary strings as text', { timeout: 60_000 }, async () => {
    const summary = await generateSummary({ seed: 3, date: '2026-06-21', window: { from: 40, to: 48 } });
    const evil = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    summary.district.marketId = `m${evil}`;
    summary.district.sources.spot = `spot ${evil} & more`;
    renameBuilding(summary, 'ila-1', `<b id="bold">ila</b>\u2028"'`);
    const parsed = parseSummary(JSON.parse(JSON.stringify(summary)));
    expect(parsed.ok ? 'ok' : parsed.error.detail).toBe('ok');
    const { page, outside, errors } = await openOffline(renderReport(summary));

    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('#bold').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe(`nabo demo: m${evil}, 2026-06-21`);
    expect(await page.locator('#sources').textContent()).toContain(`spot ${evil} & more`);
    expect(await page.locator('#buildings tbody tr th').first().textContent()).toBe(`<b id="bold">ila</b>\u2028"'`);
    const labels = await page.evaluate(() => (globalThis as unknown as { Chart: { getChart(id: string): { data: { labels: string[] } } } }).Chart.getChart('costs-chart').data.labels);
    expect(labels[0]).toBe(`<b id="bold">ila</b>\u2028"'`);
    const states = await chartStates(page);
    for (const id of CHART_IDS) expect(states[id]!.datasets, id).toBeGreaterThan(0);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });
});
