// `nabo market intervals`, a subcommand of `nabo market` (registered from market.ts): the last
// market intervals in the gateway's store with their outcome and this gateway's trade, so an
// installer sees the first traded interval (commissioning) without knowing its time first.
import type { Command } from 'commander';
import { isAbsolute, join } from 'node:path';
import { Store } from '../../store/store.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface Flags {
  db?: string;
  config?: string;
  last: string;
  traded?: boolean;
  format?: string;
}

interface Row {
  intervalStartMs: number;
  status: string;
  reason: string | null;
  energyWh: number | null;
  priceMinorPerKWh: number | null;
  amountMinor: number | null;
}

function storeFile(flags: Flags): string {
  if (flags.db) return flags.db;
  if (!flags.config) throw new UsageError('give the store with --db <file> or --config <nabo.yaml>');
  const config = loadConfigOrExit(flags.config);
  return isAbsolute(config.store.path) ? config.store.path : join(config.gateway.dataDir, config.store.path);
}

function list(flags: Flags): number {
  const last = Number(flags.last);
  if (!Number.isInteger(last) || last < 1 || last > 10_000) throw new UsageError(`--last must be a whole number 1..10000, got '${flags.last}'`);
  const format = resolveFormat(flags.format);
  const file = storeFile(flags);
  let store: Store;
  try {
    store = Store.open(file, { readonly: true });
  } catch (err) {
    throw new UsageError(`cannot open ${file}: ${(err as Error).message}`);
  }
  let rows: Row[];
  try {
    // market_trades holds this gateway's own trades only: one per final interval at most.
    rows = store.db
      .prepare(
        `SELECT i.interval_start_ms AS intervalStartMs, i.status, i.reason, t.energy_wh AS energyWh, t.price_minor_per_kwh AS priceMinorPerKWh, t.amount_minor AS amountMinor
         FROM market_intervals i LEFT JOIN market_trades t ON t.interval_start_ms = i.interval_start_ms
         ${flags.traded ? 'WHERE t.energy_wh IS NOT NULL AND t.energy_wh <> 0' : ''}
         ORDER BY i.interval_start_ms DESC LIMIT ?`,
      )
      .all(last) as Row[];
  } finally {
    store.close();
  }
  rows.reverse();
  const view = rows.map((r) => ({ intervalStart: new Date(r.intervalStartMs).toISOString(), status: r.status, reason: r.reason, tradedWh: r.energyWh, priceMinorPerKWh: r.priceMinorPerKWh, amountMinor: r.amountMinor }));
  if (format === 'json') printJson({ intervals: view });
  else process.stdout.write(formatTable(['interval', 'status', 'reason', 'traded Wh (+bought, -sold)', 'price/kWh', 'amount'], view.map((v) => [v.intervalStart, v.status, v.reason ?? '', v.tradedWh ?? '-', v.priceMinorPerKWh ?? '-', v.amountMinor ?? '-'])));
  if (view.length === 0) {
    process.stderr.write(`nabo market intervals: ${flags.traded ? 'no interval traded yet' : 'no market interval stored yet'}\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

export function registerMarketIntervals(market: Command): void {
  market
    .command('intervals')
    .description("the last market intervals in the store: outcome (final, grid-only and why) and this gateway's trade; exit 1 when there is none")
    .option('--db <file>', 'the gateway store (SQLite)')
    .option('--config <file>', 'the gateway config, to find the store')
    .option('--last <n>', 'how many intervals, newest last', '12')
    .option('--traded', 'only intervals where this gateway bought or sold')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo market intervals --config /etc/nabo/nabo.yaml --traded --format table\n')
    .action((flags: Flags) => {
      process.exitCode = list(flags);
    });
}
