// `nabo plan show|replay --day <YYYY-MM-DD>`: the day-ahead plan this gateway holds for a local
// day (final with its certificate, or alone, and why; per building the battery schedule), and a
// replay that re-solves the stored snapshot under the roster it was made with and compares the
// plan hash.
import type { Command } from 'commander';
import { isAbsolute, join } from 'node:path';
import { localMidnight } from '../../../core/intervals.js';
import type { NaboConfig } from '../../config/schema.js';
import { MarketStore } from '../../market/market-store.js';
import type { Roster } from '../../market/roster.js';
import { solveSnapshot, verifyPlanSnapshot } from '../../plan/plan-snapshot.js';
import { PlanStore, type PlanRow } from '../../plan/plan-store.js';
import { Store } from '../../store/store.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface PlanFlags {
  day: string;
  market?: string;
  timeZone?: string;
  db?: string;
  config?: string;
  format?: string;
}

function openStore(flags: PlanFlags): { store: Store; config: NaboConfig | undefined } {
  let file = flags.db;
  const config = flags.config ? loadConfigOrExit(flags.config) : undefined;
  if (!file && config) file = isAbsolute(config.store.path) ? config.store.path : join(config.gateway.dataDir, config.store.path);
  if (!file) throw new UsageError('give the store with --db <file> or --config <nabo.yaml>');
  try {
    return { store: Store.open(file, { readonly: true }), config };
  } catch (err) {
    throw new UsageError(`cannot open ${file}: ${(err as Error).message}`);
  }
}

/** The stored plan of the local day (its first interval is that day's local midnight). */
function planOf(flags: PlanFlags, store: Store, config: NaboConfig | undefined): PlanRow | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(flags.day)) throw new UsageError(`--day: ${JSON.stringify(flags.day)} is not a date such as 2026-06-02`);
  const P = localMidnight(flags.day, flags.timeZone ?? config?.gateway.timeZone ?? 'Europe/Oslo');
  const rows = new PlanStore(store).plansAt(P);
  return flags.market ? rows.find((r) => r.marketId === flags.market) : rows[0];
}

function withFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--day <date>', 'the local day the plan covers, YYYY-MM-DD')
    .option('--market <id>', 'the market id, when the store holds plans of several')
    .option('--time-zone <zone>', 'IANA time zone of the day (default: the config\'s gateway.timeZone, else Europe/Oslo)')
    .option('--db <file>', 'the gateway store (SQLite)')
    .option('--config <file>', 'the gateway config, to find the store')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)');
}

export function register(program: Command): void {
  const plan = program.command('plan').description('the day-ahead plan this gateway holds: final or alone, hashes, certificate, battery schedules');

  withFlags(plan.command('show').description('show the plan of one day: status, hashes, votes and each building\'s battery schedule'))
    .addHelpText('after', '\nExample:\n  $ nabo plan show --day 2026-06-02 --config /etc/nabo/nabo.yaml --format table\n')
    .action((flags: PlanFlags) => {
      const { store, config } = openStore(flags);
      try {
        const row = planOf(flags, store, config);
        if (!row) {
          process.stderr.write(`nabo plan show: no plan stored for ${flags.day}\n`);
          process.exitCode = EXIT_FAILED;
          return;
        }
        const view = {
          marketId: row.marketId,
          planStart: new Date(row.planStartMs).toISOString(),
          status: row.status,
          reason: row.reason,
          planHash: row.planHash,
          snapshotHash: row.plan.snapshotHash,
          rosterVersion: row.rosterVersion,
          votes: row.certificate ? row.certificate.votes.map((v) => ({ voter: v.payload.voter, signer: v.signer })) : null,
          plan: row.plan,
        };
        if (resolveFormat(flags.format) === 'json') printJson(view);
        else {
          process.stdout.write(`${view.planStart}: ${view.status}${view.reason ? ` (${view.reason})` : ''}\nplan ${view.planHash}\nsnapshot ${view.snapshotHash ?? '-'}, ${view.votes?.length ?? 0} votes\n`);
          const sum = (xs: readonly number[] | null): number => (xs ?? []).reduce((a, b) => a + b, 0);
          const rows = row.plan.buildings.map((b) => [b.gatewayId, b.block, sum(b.importWh), sum(b.exportWh), sum(b.purchaseWh), sum(b.saleWh), b.batteryWh ? sum(b.batteryWh.map((x) => Math.max(0, -x))) : '-']);
          process.stdout.write(formatTable(['gateway', 'block', 'import Wh', 'export Wh', 'bought Wh', 'sold Wh', 'charged Wh'], rows));
        }
        process.exitCode = EXIT_OK;
      } finally {
        store.close();
      }
    });

  withFlags(plan.command('replay').description('re-solve the stored snapshot of a final plan and compare with the certified hash; exit 1 when they differ'))
    .addHelpText('after', '\nExample:\n  $ nabo plan replay --day 2026-06-02 --db /var/lib/nabo/nabo.db\n')
    .action(async (flags: PlanFlags) => {
      const { store, config } = openStore(flags);
      try {
        const row = planOf(flags, store, config);
        const fail = (why: string): void => {
          process.stderr.write(`nabo plan replay: ${why}\n`);
          process.exitCode = EXIT_FAILED;
        };
        if (!row) return fail(`no plan stored for ${flags.day}`);
        if (!row.snapshot) return fail(`the plan for ${flags.day} was made alone (${row.reason ?? 'no reason'}): no snapshot to replay`);
        const rosterEnv = new MarketStore(store).roster(row.marketId, row.rosterVersion);
        if (!rosterEnv) return fail(`roster version ${row.rosterVersion} is not stored`);
        const roster = rosterEnv.payload as Roster;
        const v = verifyPlanSnapshot(row.snapshot, roster);
        if (!v.ok) return fail(`stored snapshot does not verify: ${v.error.kind}: ${v.error.detail}`);
        const solved = await solveSnapshot(v.value, roster);
        const same = solved.planHash === row.planHash;
        const view = { planStart: new Date(row.planStartMs).toISOString(), status: row.status, snapshotHash: v.value.hash, certifiedHash: row.planHash, replayedHash: solved.planHash, same };
        if (resolveFormat(flags.format) === 'json') printJson(view);
        else process.stdout.write(`${view.planStart}: replayed ${view.replayedHash} ${same ? '= stored' : `≠ stored ${row.planHash}`}\n`);
        process.exitCode = same ? EXIT_OK : EXIT_FAILED;
      } finally {
        store.close();
      }
    });
}
