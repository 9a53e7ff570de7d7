// `npm run bench:value`: what the market and control are worth on simulated days of the demo
// district. For each day (VALUE_DAYS, default midsummer and a spring day; same seed) the built
// CLI runs `nabo demo --value`: the day without control (batteries on their own
// self-consumption logic), then with control, and summary.json's `value` holds the three costs:
// each building alone on the grid, the market without control, the market with control
// (gateway/demo/value.ts, the one place of that arithmetic). A day counts only when the demo
// exited 0 and every interval of both runs was final on every gateway. Prints a table, then one
// JSON line. Each day takes some minutes of both cores: run `npm run build` first.
// Env: VALUE_DAYS=2026-06-21,2026-04-20  VALUE_SEED=42  VALUE_OUT=dir (kept; default a temp
// folder, printed)  VALUE_ARGS='--hours 3 --blocks 2 --buildings 2' (extra demo flags, for a quick run)
// VALUE_KEEP_DATA=1 (keep the brokers' and gateways' folders)  VALUE_RETRIES=1 (runs again a day
// whose district did not start, e.g. a gateway not up in time on a busy machine)  VALUE_REUSE=1
// (run nothing: read the summaries an earlier run left in VALUE_OUT and compute again).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatMoney, formatShare, formatStored } from '../../gateway/demo/summary-tables.js';
import { demoProblems } from '../../gateway/demo/summary-checks.js';
import { parseSummary } from '../../gateway/demo/summary.js';
import { demoValue, savingShare, sumCosts, type DemoValue, type ValueCosts } from '../../gateway/demo/value.js';

const MAIN = resolve('dist', 'gateway', 'cli', 'main.js');
const DAYS = (process.env.VALUE_DAYS ?? '2026-06-21,2026-04-20').split(',').map((d) => d.trim()).filter((d) => d !== '');
const SEED = process.env.VALUE_SEED ?? '42';
const EXTRA = (process.env.VALUE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
const RETRIES = Number(process.env.VALUE_RETRIES ?? '1');
const REUSE = process.env.VALUE_REUSE === '1';

function readFileSafe(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
const OUT = process.env.VALUE_OUT ? resolve(process.env.VALUE_OUT) : mkdtempSync(join(tmpdir(), 'nabo-bench-value-'));

interface Day {
  date: string;
  exitCode: number | null;
  realSeconds: number;
  /** Why the day does not count (empty when it does). */
  failures: string[];
  /** What a reader should know about a day that counts. */
  notes: string[];
  /** The district's costs and the energy its batteries held at the end of each run. */
  costs: DemoValue['district'] | undefined;
  intervals: number;
  finalIntervals: number;
  finalIntervalsWithoutControl: number;
  /** Building-intervals left out of every cost: a gap in one of the runs. */
  excludedIntervals: number;
  tradedWh: number;
}

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Progress goes on to the bench's stderr, so a person sees the day move.
      process.stderr.write(d);
    });
    child.once('exit', (code) => res({ code, stderr }));
  });
}

async function measureDay(date: string): Promise<Day> {
  const out = join(OUT, date);
  const data = join(OUT, `${date}-data`);
  if (!REUSE) {
    rmSync(out, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
  }
  const t0 = performance.now();
  // VALUE_REUSE=1: the demo's outputs of an earlier run are read again (the value recomputed), nothing runs.
  const r = REUSE ? { code: Number(readFileSafe(join(out, 'exit-code')) ?? 'NaN'), stderr: '' } : await run(['demo', '--exit', '--tcp-only', '--speed', 'max', '--format', 'json', '--seed', SEED, '--date', date, '--value', '--data', data, '--out', out, ...EXTRA]);
  const realSeconds = (performance.now() - t0) / 1000;
  if (!REUSE) writeFileSync(join(out, 'exit-code'), String(r.code));
  if (process.env.VALUE_KEEP_DATA !== '1' && !REUSE) rmSync(data, { recursive: true, force: true });
  const day: Day = { date, exitCode: r.code, realSeconds, failures: [], notes: [], costs: undefined, intervals: 0, finalIntervals: 0, finalIntervalsWithoutControl: 0, excludedIntervals: 0, tradedWh: 0 };
  const file = join(out, 'summary.json');
  if (!existsSync(file)) {
    day.failures.push(`nabo demo exited ${r.code} and wrote no ${file}: ${r.stderr.split('\n').slice(-4).join(' | ')}`);
    return day;
  }
  // The value section is computed again below (from an older version it may not even parse): set aside.
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { value?: { withoutControl?: { problems?: string[] } } };
  const withoutControlProblems = raw.value?.withoutControl?.problems ?? [];
  delete raw.value;
  const parsed = parseSummary(raw);
  if (!parsed.ok) {
    day.failures.push(`summary.json: ${parsed.error.detail}`);
    return day;
  }
  const s = parsed.value;
  // Exit 1 only because the market cost more than alone is a result of the kind this bench
  // measures, not a broken run: the day counts, with a note. Anything else fails it.
  const otherProblems = [...demoProblems(s, { marketNotDearer: false }), ...withoutControlProblems];
  if (r.code !== 0 && (r.code !== 1 || otherProblems.length > 0)) day.failures.push(`nabo demo exited ${r.code}: ${[...otherProblems, ...r.stderr.split('\n').filter((l) => /^(nabo demo.*: (?!wrote|started|starting|publishing|writing|waiting)|Error)/.test(l)).slice(-3)].join(' | ')}`);
  else if (r.code === 1) day.notes.push(`nabo demo exited 1: the district paid more with the market than alone (${formatMoney(s.district.costMinor)} against ${formatMoney(s.district.costAloneMinor)} NOK)`);
  day.intervals = s.intervals.length;
  day.finalIntervals = s.intervals.filter((i) => i.final).length;
  day.tradedWh = s.district.tradedWh;
  if (day.finalIntervals < day.intervals) day.failures.push(`with control ${day.intervals - day.finalIntervals} of ${day.intervals} intervals not final everywhere`);
  // The value again from the two days' summaries, with value.ts (the same arithmetic as the demo's).
  const other = parseSummary(JSON.parse(readFileSafe(join(out, 'no-control', 'summary.json')) ?? 'null'));
  if (!other.ok) {
    day.failures.push(`no-control/summary.json: ${other.error.detail}`);
    return day;
  }
  const value = demoValue(other.value, s, withoutControlProblems);
  if (!value.ok) {
    day.failures.push(value.error.detail);
    return day;
  }
  const v = value.value;
  day.costs = v.district;
  day.excludedIntervals = v.district.excludedIntervals;
  day.finalIntervalsWithoutControl = v.withoutControl.finalIntervals;
  if (v.withoutControl.finalIntervals < v.withoutControl.intervals) day.failures.push(`without control ${v.withoutControl.intervals - v.withoutControl.finalIntervals} of ${v.withoutControl.intervals} intervals not final everywhere`);
  if (v.district.excludedIntervals > 0) day.notes.push(`${v.district.excludedIntervals} building-intervals without metering in one of the runs, left out of all costs`);
  return day;
}

function ratios(c: ValueCosts): { savingMarket: number | null; savingMarketControl: number | null; savingControlOverMarket: number | null } {
  return { savingMarket: savingShare(c.aloneMinor, c.marketMinor), savingMarketControl: savingShare(c.aloneMinor, c.marketControlMinor), savingControlOverMarket: savingShare(c.marketMinor, c.marketControlMinor) };
}

function printTable(headers: string[], cells: string[][]): void {
  const widths = headers.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: string[]): string => c.map((x, k) => x.padEnd(widths[k]!)).join('  ').trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  if (!REUSE && !existsSync(MAIN)) {
    console.error(`bench:value runs the built CLI: ${MAIN} is missing; run \`npm run build\` first`);
    process.exit(2);
  }
  const days: Day[] = [];
  for (const date of DAYS) {
    console.error(`bench:value: ${date}, seed ${SEED}: nabo demo --value (the day without control, then with control) …`);
    let day = await measureDay(date);
    // A district that did not get going on a busy machine (a gateway not up in time) wrote no
    // summary: that says nothing about the day, so it is run once more, and the table says so.
    for (let retry = 1; !REUSE && retry <= RETRIES && day.costs === undefined && day.intervals === 0; retry++) {
      console.error(`bench:value: ${date} did not run (${day.failures.join('; ')}): again, attempt ${retry + 1}`);
      const failed = day.failures;
      day = await measureDay(date);
      day.notes.push(`attempt ${retry + 1}; before: ${failed.join('; ')}`);
    }
    days.push(day);
  }
  const counted = days.filter((d) => d.costs !== undefined && d.failures.length === 0);
  const total = sumCosts(counted.map((d) => d.costs!));
  const row = (name: string, c: ValueCosts, stored: string, final: string, real: string): string[] => {
    const r = ratios(c);
    return [name, formatMoney(c.aloneMinor), formatMoney(c.marketMinor), formatMoney(c.marketControlMinor), formatShare(r.savingMarket), formatShare(r.savingMarketControl), formatShare(r.savingControlOverMarket), formatMoney(c.controlAloneMinor), stored, final, real];
  };
  const cells = days.map((d) => (d.costs ? row(`${d.date}${d.failures.length > 0 ? ' (failed)' : ''}`, d.costs, formatStored(d.costs), `${d.finalIntervalsWithoutControl}/${d.finalIntervals}/${d.intervals}`, d.realSeconds.toFixed(0)) : [`${d.date} (failed)`, '–', '–', '–', '–', '–', '–', '–', '–', `${d.finalIntervals}/${d.intervals}`, d.realSeconds.toFixed(0)]));
  if (counted.length > 0) cells.push(row(`total (${counted.length} day${counted.length === 1 ? '' : 's'})`, total, '', '', days.reduce((a, d) => a + d.realSeconds, 0).toFixed(0)));
  console.log(`District cost per day, NOK (negative: earned); seed ${SEED}${EXTRA.length > 0 ? `, ${EXTRA.join(' ')}` : ''}. Savings are against the column named, as a share of its size.`);
  printTable(['day', 'alone', 'market w/o control', 'market + control', 'saving market vs alone', 'saving market+control vs alone', 'control vs market w/o', 'control day alone', 'stored at end kWh w/o / with', 'final w/o / with / all', 'real s'], cells);
  for (const d of days) for (const f of [...d.failures.map((x) => `FAILED: ${x}`), ...d.notes]) console.log(`${d.date}: ${f}`);
  if (counted.length > 0) {
    const verdict = total.marketControlMinor < total.marketMinor ? `the market with control was cheaper than the market without control by ${formatMoney(total.marketMinor - total.marketControlMinor)} NOK` : `the market with control was NOT cheaper than the market without control (${formatMoney(total.marketControlMinor)} against ${formatMoney(total.marketMinor)} NOK)`;
    console.log(`Over ${counted.length} day(s): ${verdict}; against each building alone the market saved ${formatMoney(total.aloneMinor - total.marketMinor)} NOK, the market with control ${formatMoney(total.aloneMinor - total.marketControlMinor)} NOK.`);
  }
  console.log(`Summaries and reports: ${OUT}`);
  console.log(
    JSON.stringify({
      bench: 'value',
      node: process.version,
      cpus: cpus().length,
      loadAverage: loadavg(),
      seed: Number(SEED),
      extraArgs: EXTRA,
      out: OUT,
      days: days.map((d) => ({ date: d.date, counted: d.costs !== undefined && d.failures.length === 0, failures: d.failures, notes: d.notes, exitCode: d.exitCode, realSeconds: Math.round(d.realSeconds), intervals: d.intervals, finalIntervals: d.finalIntervals, finalIntervalsWithoutControl: d.finalIntervalsWithoutControl, excludedIntervals: d.excludedIntervals, tradedWh: d.tradedWh, ...(d.costs ? { ...d.costs, ...ratios(d.costs) } : {}) })),
      total: counted.length > 0 ? { days: counted.length, ...total, ...ratios(total), controlCheaperThanMarket: total.marketControlMinor < total.marketMinor } : null,
    }),
  );
  if (counted.length < days.length) process.exitCode = 1;
}

await main();
