// `nabo market show|replay --interval <iso>`: what the gateway's store holds for one market
// interval (snapshot, result, hashes, certificate, trades, settlement), and a replay that
// re-clears the stored snapshot under the roster it was cleared with and compares the hash.
import type { Command } from 'commander';
import { isAbsolute, join } from 'node:path';
import { MarketStore } from '../../market/market-store.js';
import { type Roster } from '../../market/roster.js';
import { clearSnapshot, verifySnapshot } from '../../market/snapshot.js';
import { Store } from '../../store/store.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { registerMarketIntervals } from './market-intervals.js';
import { registerMarketJoin } from './market-join.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface MarketFlags {
  interval: string;
  db?: string;
  config?: string;
  format?: string;
}

function openStore(flags: MarketFlags): Store {
  let file = flags.db;
  if (!file && flags.config) {
    const config = loadConfigOrExit(flags.config);
    file = isAbsolute(config.store.path) ? config.store.path : join(config.gateway.dataDir, config.store.path);
  }
  if (!file) throw new UsageError('give the store with --db <file> or --config <nabo.yaml>');
  try {
    return Store.open(file, { readonly: true });
  } catch (err) {
    throw new UsageError(`cannot open ${file}: ${(err as Error).message}`);
  }
}

function intervalMs(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || !Number.isFinite(ms)) throw new UsageError(`--interval: ${JSON.stringify(text)} is not an ISO 8601 time such as 2026-06-01T10:00:00Z`);
  return ms;
}

function withFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--interval <iso>', 'the interval by its start, ISO 8601 UTC')
    .option('--db <file>', 'the gateway store (SQLite)')
    .option('--config <file>', 'the gateway config, to find the store')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)');
}

export function register(program: Command): void {
  const market = program.command('market').description('the block market records of this gateway: snapshots, results, certificates, trades, settlements');
  registerMarketJoin(market);
  registerMarketIntervals(market);

  withFlags(market.command('show').description('show one interval: snapshot, result, hashes, votes, trades and settlement'))
    .addHelpText('after', '\nExample:\n  $ nabo market show --interval 2026-06-01T10:00:00Z --config /etc/nabo/nabo.yaml --format table\n')
    .action((flags: MarketFlags) => {
      const T = intervalMs(flags.interval);
      const store = openStore(flags);
      try {
        const ms = new MarketStore(store);
        const row = ms.interval(T);
        const snapshots = ms.snapshots(T);
        if (!row && snapshots.length === 0) {
          process.stderr.write(`nabo market show: nothing stored for ${new Date(T).toISOString()}\n`);
          process.exitCode = EXIT_FAILED;
          return;
        }
        const view = {
          intervalStart: new Date(T).toISOString(),
          status: row?.status ?? 'open',
          reason: row?.reason ?? null,
          attempt: row?.attempt ?? null,
          snapshotHash: row?.snapshotHash ?? null,
          resultHash: row?.resultHash ?? null,
          ownResultHash: row?.ownResultHash ?? null,
          snapshots: snapshots.map((s) => ({ hash: s.hash, attempt: s.attempt, coordinator: s.coordinator, orders: s.envelope.payload.orders.length })),
          certificate: row?.certificate ? row.certificate.votes.map((v) => ({ voter: v.payload.voter, signer: v.signer, signature: v.signature })) : null,
          votes: ms.votes(T).map((v) => ({ voter: v.payload.voter, attempt: v.payload.attempt, resultHash: v.payload.resultHash })),
          result: row ? (ms.result(T, row.marketId) ?? null) : null,
          trades: ms.trades(T).map((t) => t.payload).map(({ certificate: _c, ...t }) => t),
          settlements: ms.settlements(T).map((s) => s.payload),
        };
        if (resolveFormat(flags.format) === 'json') printJson(view);
        else {
          process.stdout.write(`${view.intervalStart}: ${view.status}${view.reason ? ` (${view.reason})` : ''}, attempt ${view.attempt ?? '-'}\nresult ${view.resultHash ?? '-'}\nsnapshot ${view.snapshotHash ?? '-'}\n`);
          process.stdout.write(formatTable(['snapshot', 'attempt', 'coordinator', 'orders'], view.snapshots.map((s) => [s.hash.slice(0, 16), s.attempt, s.coordinator, s.orders])));
          process.stdout.write(formatTable(['voter', 'attempt', 'result'], view.votes.map((v) => [v.voter, v.attempt, v.resultHash.slice(0, 16)])));
          process.stdout.write(formatTable(['trade', 'energy Wh', 'price/kWh', 'amount'], view.trades.map((t) => [t.tradeId, t.energyWh, t.priceMinorPerKWh, t.amountMinor])));
          process.stdout.write(formatTable(['settlement', 'status', 'metered Wh', 'traded Wh', 'imbalance Wh', 'total'], view.settlements.map((s) => [s.settlementId, s.status, s.meteredWh, s.tradedWh, s.imbalanceWh, s.totalMinor])));
        }
        process.exitCode = EXIT_OK;
      } finally {
        store.close();
      }
    });

  withFlags(market.command('replay').description('re-clear the stored snapshot of an interval and compare with the certified hash; exit 1 when they differ'))
    .addHelpText('after', '\nExample:\n  $ nabo market replay --interval 2026-06-01T10:00:00Z --db /var/lib/nabo/nabo.db\n')
    .action(async (flags: MarketFlags) => {
      const T = intervalMs(flags.interval);
      const store = openStore(flags);
      try {
        const ms = new MarketStore(store);
        const row = ms.interval(T);
        const snap = row?.snapshotHash ? ms.snapshots(T).find((s) => s.hash === row.snapshotHash) : ms.snapshots(T)[0];
        if (!row || !snap) {
          process.stderr.write(`nabo market replay: no snapshot stored for ${new Date(T).toISOString()}\n`);
          process.exitCode = EXIT_FAILED;
          return;
        }
        const rosterEnv = ms.roster(snap.envelope.payload.marketId, snap.envelope.payload.rosterVersion);
        if (!rosterEnv) {
          process.stderr.write(`nabo market replay: roster version ${snap.envelope.payload.rosterVersion} is not stored\n`);
          process.exitCode = EXIT_FAILED;
          return;
        }
        const roster = rosterEnv.payload as Roster;
        const v = verifySnapshot(snap.envelope, roster);
        if (!v.ok) {
          process.stderr.write(`nabo market replay: stored snapshot does not verify: ${v.error.kind}: ${v.error.detail}\n`);
          process.exitCode = EXIT_FAILED;
          return;
        }
        const cleared = await clearSnapshot(v.value, roster);
        const expected = row.resultHash ?? row.ownResultHash;
        const same = expected !== null && cleared.resultHash === expected;
        const view = { intervalStart: new Date(T).toISOString(), status: row.status, snapshotHash: snap.hash, certifiedHash: row.resultHash, ownHash: row.ownResultHash, replayedHash: cleared.resultHash, same };
        if (resolveFormat(flags.format) === 'json') printJson(view);
        else process.stdout.write(`${view.intervalStart}: replayed ${view.replayedHash} ${same ? '= stored' : `≠ stored ${expected ?? '(none)'}`}\n`);
        process.exitCode = same ? EXIT_OK : EXIT_FAILED;
      } finally {
        store.close();
      }
    });
}
