import type { Command } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseSummary, type Summary } from '../../demo/summary.js';
import type { DistrictOptions } from '../../demo/district.js';
import { runDemoDay, type DemoDay } from '../../demo/demo-day.js';
import { demoPrices, DEMO_TIME_ZONE, localMidnightMs } from '../../demo/demo-prices.js';
import { summaryTables } from '../../demo/summary-tables.js';
import { renderReport } from '../../demo/report-html.js';
import { demoValue } from '../../demo/value.js';
import { zoneOffsetMs } from '../../../core/time-zone.js';
import { EXIT_FAILED, EXIT_OK, UsageError, resolveFormat } from '../output.js';

interface DemoOptions {
  blocks: string;
  buildings: string;
  seed: string;
  speed: string;
  date: string;
  from: string;
  hours: string;
  out?: string;
  exit?: boolean;
  tcpOnly?: boolean;
  plan?: boolean;
  data?: string;
  format?: string;
  operatorDatabase?: string;
  operatorPlain?: boolean;
  operatorClientCerts?: boolean;
  /** false with --no-control. */
  control?: boolean;
  value?: boolean;
}

/** As fast as the gateways on two shared cores still read, trade and settle every interval. */
export const MAX_SPEED = 600;

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, tool)));
}

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number 1..${max}, got '${text}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('a Trondheim district trading a day on this machine: a private Mosquitto for the block and one for the operator, nabo operator, the device simulator and one gateway process per building; prints what each building consumed, produced, traded and saved')
    .option('--blocks <n>', 'blocks', '3')
    .option('--buildings <n>', 'buildings per block', '3')
    .option('--seed <n>', 'seed of everything random', '42')
    .option('--speed <x|max>', `simulated time per real time; max = ${MAX_SPEED}`, '120')
    .option('--date <yyyy-mm-dd>', 'the day traded (Trondheim time)', '2026-06-21')
    .option('--from <hh:mm>', 'first traded interval, local time', '00:00')
    .option('--hours <n>', 'hours traded', '24')
    .option('--out <dir>', 'write report.html and summary.json there')
    .option('--exit', 'end after the report (otherwise the dashboards stay up until Ctrl-C)')
    .option('--tcp-only', 'Modbus TCP devices only (no socat needed)')
    .option('--plan', 'plan the day ahead together the evening before (needs --from 00:00; each gateway solves the community schedule, some real seconds of CPU)')
    .option('--data <dir>', 'keep the brokers, operator and gateway stores there (default: a temp folder, removed at the end)')
    .option('--format <format>', 'json (the summary) or table (default: table on a terminal, json otherwise)')
    .option('--operator-database <file|url>', "nabo operator's database: a SQLite file or postgres://user@host/db (default: operator.db in the data folder)")
    .option('--operator-plain', "the operator's broker on plain MQTT instead of TLS (no openssl needed)")
    .option('--no-control', "read the batteries but never steer them: each runs its own self-consumption logic, and orders offer none of its flexibility")
    .option('--value', 'first run the same day without control (quietly, in a no-control/ subfolder of --data and --out), then this one, and add what the market and control are worth to the summary and report')
    .option('--operator-client-certs', "gateways and the operator log in to the operator's broker with a client certificate each (CN = gateway id) instead of a password")
    .addHelpText('after', '\nExamples:\n  $ nabo demo --out demo-report\n  $ nabo demo --speed max --exit --out /tmp/day\n  $ nabo demo --blocks 1 --buildings 3 --from 10:00 --hours 3 --exit --tcp-only\n  $ nabo demo --speed max --exit --tcp-only --value --out /tmp/value-day\n  $ nabo demo --hours 2 --exit --operator-database postgres://postgres@127.0.0.1:5432/postgres\n')
    .action(async (opts: DemoOptions) => {
      const speed = opts.speed === 'max' ? MAX_SPEED : Number(opts.speed);
      if (!(speed >= 1 && speed <= 3600)) throw new UsageError(`--speed must be a number in [1, 3600] or max, got '${opts.speed}'`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date) || Number.isNaN(Date.parse(opts.date))) throw new UsageError(`--date must be a day like 2026-06-21, got '${opts.date}'`);
      const from = /^(\d{2}):(\d{2})$/.exec(opts.from);
      if (!from || Number(from[1]) > 23 || Number(from[2]) % 15 !== 0) throw new UsageError(`--from must be a quarter hour like 10:00 or 10:15, got '${opts.from}'`);
      const hours = positiveInt('hours', opts.hours, 48);
      if (opts.operatorPlain && opts.operatorClientCerts) throw new UsageError('--operator-client-certs needs TLS: leave out --operator-plain');
      const format = resolveFormat(opts.format);
      const control = opts.control !== false;
      if (opts.value && !control) throw new UsageError('--value compares a day without control with one with control: leave out --no-control');
      const blocks = positiveInt('blocks', opts.blocks, 10);
      const buildings = positiveInt('buildings', opts.buildings, 10);
      const seed = positiveInt('seed', opts.seed, 2 ** 31);
      const fromMs = localMidnightMs(opts.date) + (Number(from[1]) * 60 + Number(from[2])) * 60_000;
      const toMs = fromMs + hours * 3_600_000;
      // Meters are read for a while before the first traded interval (at least half an hour, and
      // the few real seconds nine processes need to start); after the last one, its settlement
      // and the uplink's acknowledgements need a few simulated minutes.
      if (opts.plan && opts.from !== '00:00') throw new UsageError('--plan plans a day from midnight: use it with --from 00:00');
      // With --plan, the evening before is planned as in the field (where it is noon): forecasts go
      // out five minutes into the warm-up, which leaves 40 real seconds for every gateway's solve
      // (the solvers hold each process's event loop; nine of them share the machine's cores).
      const planAllowanceMs = opts.plan ? speed * 40_000 : 0;
      const warmUpMs = Math.ceil((Math.max(30 * 60_000, speed * 12_000) + planAllowanceMs) / 900_000) * 900_000;
      const startMs = fromMs - warmUpMs;
      const planPublishAt = opts.plan ? localHhMm(startMs + 5 * 60_000) : undefined;
      const endMs = toMs + 20 * 60_000;
      // The serial meters need socat for their pseudo-terminals: say so before anything starts.
      if (!opts.tcpOnly && !onPath('socat')) {
        process.stderr.write('nabo demo: socat is not installed or not on PATH (apt-get install -y socat); or run with --tcp-only (Modbus TCP devices only)\n');
        process.exitCode = EXIT_FAILED;
        return;
      }
      const dir = opts.data ? resolve(opts.data) : mkdtempSync(join(tmpdir(), 'nabo-demo-'));
      const prices = demoPrices(opts.date);
      const main = process.argv[1];
      if (!main) throw new Error('cannot tell how nabo was started');
      // The day without control keeps its own operator database (SQLite in its folder): in a shared
      // one the second day's records would be dropped as duplicates of the first's.
      const districtOptions = (dataDir: string, steer: boolean, ownOperatorDatabase: boolean): DistrictOptions => ({
        dir: dataDir,
        blocks,
        buildings,
        seed,
        startMs,
        speed,
        pricesAt: prices.pricesAt,
        nabo: [process.execPath, ...process.execArgv, main],
        ...(opts.tcpOnly ? { tcpOnly: true } : {}),
        ...(planPublishAt !== undefined ? { planPublishAt } : {}),
        ...(opts.operatorDatabase && !ownOperatorDatabase ? { operatorDatabase: /^postgres(ql)?:\/\//.test(opts.operatorDatabase) ? opts.operatorDatabase : resolve(opts.operatorDatabase) } : {}),
        ...(opts.operatorPlain ? { operatorPlain: true } : {}),
        ...(opts.operatorClientCerts ? { operatorClientCerts: true } : {}),
        ...(steer ? {} : { control: false }),
      });
      const say = (line: string): void => void process.stderr.write(`${line}\n`);
      const interrupted = new Promise<void>((res) => {
        process.once('SIGINT', res);
        process.once('SIGTERM', res);
      });
      const removeTemp = (): void => {
        if (!opts.data) rmSync(dir, { recursive: true, force: true });
      };
      const day = async (dataDir: string, steer: boolean, label: string, ownOperatorDatabase = false): Promise<DemoDay> => {
        try {
          return await runDemoDay({ district: districtOptions(dataDir, steer, ownOperatorDatabase), prices, fromMs, toMs, endMs, date: opts.date, fromText: opts.from, seed, speed: opts.speed === 'max' ? 'max' : speed, interrupted, say: (line) => say(`${label}: ${line}`), progressOut: process.stderr });
        } catch (err) {
          removeTemp();
          throw err;
        }
      };
      const writeOut = (outDir: string, summary: Summary): void => {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
        writeFileSync(join(outDir, 'report.html'), renderReport(summary));
        say(`nabo demo: wrote ${join(outDir, 'report.html')} and ${join(outDir, 'summary.json')}`);
      };

      // --value: the same day without control first (its own brokers, operator and gateways, in a
      // subfolder), so the day with control can say what the market and control are worth.
      let counterfactual: { summary: Summary; problems: string[] } | undefined;
      if (opts.value) {
        const cf = await day(join(dir, 'no-control'), false, 'nabo demo (without control)', true);
        if (!cf.started) {
          say(`nabo demo: ${cf.reason}`);
          removeTemp();
          process.exitCode = EXIT_FAILED;
          return;
        }
        await cf.district.stop();
        if (!cf.finished) {
          say('nabo demo: interrupted during the day without control');
          removeTemp();
          process.exitCode = EXIT_FAILED;
          return;
        }
        const problems = cf.problems.map((p) => `without control: ${p}`);
        for (const p of problems) say(`nabo demo: ${p}`);
        if (opts.out) writeOut(join(resolve(opts.out), 'no-control'), cf.summary);
        counterfactual = { summary: cf.summary, problems };
      }

      const run = await day(dir, control, control ? 'nabo demo' : 'nabo demo (without control)');
      if (!run.started) {
        say(`nabo demo: ${run.reason}`);
        removeTemp();
        process.exitCode = EXIT_FAILED;
        return;
      }
      const stop = async (): Promise<void> => {
        await run.district.stop();
        removeTemp();
      };
      let summary: Summary = run.summary;
      const problems = [...run.problems, ...(counterfactual?.problems ?? [])];
      try {
        if (counterfactual && !run.finished) say('nabo demo: the day with control was interrupted: no value section');
        else if (counterfactual) {
          const value = demoValue(counterfactual.summary, summary, counterfactual.problems);
          if (!value.ok) throw new Error(`the value of the day: ${value.error.detail}`);
          const checked = parseSummary({ ...summary, value: value.value });
          if (!checked.ok) throw new Error(`the day's summary with its value does not check: ${checked.error.detail}`);
          summary = checked.value;
        }
        if (format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
        else process.stdout.write(summaryTables(summary));
        for (const p of run.problems) say(`nabo demo: ${p}`);
        if (!control && summary.district.costMinor > summary.district.costAloneMinor) say(`nabo demo: without control the district paid ${summary.district.costMinor} øre with the market, more than ${summary.district.costAloneMinor} øre alone`);
        if (opts.out) writeOut(resolve(opts.out), summary);
      } catch (err) {
        await stop();
        throw err;
      }
      if (run.finished && !opts.exit) {
        say('nabo demo: the day is over; the gateways keep running and their dashboards stay up until Ctrl-C');
        await interrupted;
      }
      await stop();
      process.exitCode = run.finished && problems.length === 0 ? EXIT_OK : EXIT_FAILED;
    });
}

/** HH:MM of an instant in the demo's time zone. */
function localHhMm(atMs: number): string {
  return new Date(atMs + zoneOffsetMs(DEMO_TIME_ZONE, atMs)).toISOString().slice(11, 16);
}
