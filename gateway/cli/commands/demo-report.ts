// `nabo demo-report <summary.json>`: a demo day's summary.json (docs/demo.md) back into its
// end-of-run tables and, with --out, its report.html, so a summary kept from an earlier run (or
// written by another tool) can be looked at again without running the district.
import type { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from '../../demo/report-html.js';
import { parseSummary, type Summary } from '../../demo/summary.js';
import { summaryTables } from '../../demo/summary-tables.js';
import { EXIT_OK, printJson, resolveFormat, UsageError } from '../output.js';

interface Flags {
  out?: string;
  format?: string;
}

function readSummary(file: string): Summary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
  const parsed = parseSummary(raw);
  if (!parsed.ok) throw new UsageError(`${file}: not a demo summary: ${parsed.error.detail}`);
  return parsed.value;
}

/** The JSON answer: the day's totals, blocks and buildings without their series. */
function overview(s: Summary, reportFile: string | null): unknown {
  return {
    district: s.district,
    intervals: { count: s.intervals.length, final: s.intervals.filter((i) => i.final).length },
    buildings: s.buildings.map(({ series: _series, ...b }) => b),
    blocks: s.blocks,
    report: reportFile,
  };
}

export function register(program: Command): void {
  program
    .command('demo-report')
    .description("print a demo day's tables from its summary.json and, with --out, write its report.html (charts of power flows, prices, trades and costs; no network needed to open it)")
    .argument('<summary>', 'summary.json written by `nabo demo --out DIR` (docs/demo.md)')
    .option('--out <dir>', 'write report.html into this folder (created if missing)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo demo-report docs/examples/demo-summary.json\n  $ nabo demo-report docs/examples/demo-summary.json --out demo-out --format json\n')
    .action((file: string, flags: Flags) => {
      const format = resolveFormat(flags.format);
      const summary = readSummary(file);
      let reportFile: string | null = null;
      if (flags.out !== undefined) {
        mkdirSync(flags.out, { recursive: true });
        reportFile = join(flags.out, 'report.html');
        writeFileSync(reportFile, renderReport(summary));
      }
      if (format === 'json') printJson(overview(summary, reportFile));
      else process.stdout.write(`${summaryTables(summary)}${reportFile ? `\nwrote ${reportFile}\n` : ''}`);
      process.exitCode = EXIT_OK;
    });
}
