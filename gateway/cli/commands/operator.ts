// `nabo operator`: the market operator's side. `run` receives, verifies, de-duplicates and
// stores what gateways send (SQLite file or PostgreSQL), acking each record after its commit;
// `report` prints one day's per-building energy and money from the stored records.
import type { Command } from 'commander';
import { RealClock } from '../../clock/clock.js';
import { DEFAULT_VOTE_DOMAIN, MajorityFinality } from '../../operator/finality.js';
import { readRosterFile } from '../../operator/member-directory.js';
import { OperatorReceiver } from '../../operator/receiver.js';
import { buildDayReport, reportCsv } from '../../operator/report.js';
import { openOperatorStorage } from '../../operator/storage.js';
import { EXIT_FAILED, EXIT_OK, formatTable, UsageError } from '../output.js';

interface RunFlags {
  broker: string;
  database: string;
  roster: string;
  group: string;
  ca?: string;
  cert?: string;
  key?: string;
  username?: string;
  passwordEnv: string;
  voteDomain: string;
  insecure?: boolean;
  statsEveryMs: string;
}

interface ReportFlags {
  database: string;
  day: string;
  format?: string;
}

async function run(flags: RunFlags): Promise<void> {
  if (!/^(mqtts?|wss?):\/\//.test(flags.broker)) throw new UsageError(`--broker: ${JSON.stringify(flags.broker)} is not an MQTT URL (mqtts://host:8883)`);
  const roster = readRosterFile(flags.roster);
  if (!roster.ok) throw new UsageError(`--roster: ${roster.error.detail}`);
  const statsEveryMs = Number(flags.statsEveryMs);
  if (!Number.isFinite(statsEveryMs) || statsEveryMs < 0) throw new UsageError('--stats-every-ms: a number of milliseconds');
  const clock = new RealClock();
  const storage = await openOperatorStorage(flags.database);
  const receiver = new OperatorReceiver({
    brokerUrl: flags.broker,
    storage,
    directory: roster.value,
    finality: new MajorityFinality(flags.voteDomain),
    clock,
    group: flags.group,
    username: flags.username,
    password: process.env[flags.passwordEnv],
    caFile: flags.ca,
    certFile: flags.cert,
    keyFile: flags.key,
    rejectUnauthorized: !flags.insecure,
    onError: (err) => process.stderr.write(`nabo operator: ${err.message}\n`),
  });
  await receiver.start();
  process.stderr.write(`nabo operator: receiving on ${flags.broker} into ${storage.backend}\n`);
  const timer = statsEveryMs > 0 ? clock.setInterval(() => process.stderr.write(`${JSON.stringify({ stats: receiver.stats() })}\n`), statsEveryMs) : undefined;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clock.clear(timer);
  await receiver.stop();
  process.stdout.write(`${JSON.stringify({ stats: receiver.stats(), stored: await storage.count(), refusals: await storage.refusalCounts() })}\n`);
  await storage.close();
  process.exitCode = EXIT_OK;
}

async function report(flags: ReportFlags): Promise<void> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(flags.day);
  if (!m) throw new UsageError(`--day: ${JSON.stringify(flags.day)} is not a date like 2026-06-21`);
  const fromMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(fromMs)) throw new UsageError(`--day: ${flags.day} is not a date`);
  const format = flags.format ?? (process.stdout.isTTY ? 'table' : 'json');
  if (!['csv', 'json', 'table'].includes(format)) throw new UsageError(`--format: ${JSON.stringify(format)} is not csv, json or table`);
  const storage = await openOperatorStorage(flags.database);
  try {
    const toMs = fromMs + 86_400_000;
    const r = buildDayReport(flags.day, fromMs, toMs, await storage.recordsInRange(fromMs, toMs));
    if (format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else if (format === 'csv') process.stdout.write(reportCsv(r));
    else {
      process.stdout.write(formatTable(['building', 'interval', 'metered in', 'metered out', 'bought', 'sold', 'imb. in', 'imb. out', 'trade amt', 'imb. amt'], r.buildings.map((b) => [b.gatewayId, new Date(b.intervalStartMs).toISOString(), b.meteredImportWh, b.meteredExportWh, b.boughtWh, b.soldWh, b.imbalanceImportWh, b.imbalanceExportWh, b.tradeAmountMinor, b.imbalanceAmountMinor])));
      process.stdout.write(`totals ${JSON.stringify(r.totals)}\nreconciles: ${r.reconciles}\n`);
    }
    for (const p of r.problems) process.stderr.write(`nabo operator report: ${p}\n`);
    process.exitCode = r.reconciles ? EXIT_OK : EXIT_FAILED;
  } finally {
    await storage.close();
  }
}

export function register(program: Command): void {
  const op = program
    .command('operator')
    .description("the market operator's receiver: verify, de-duplicate and store what gateways send; day reports")
    .addHelpText('after', '\nExamples:\n  $ nabo operator run --broker mqtts://ops.example:8883 --roster roster.json\n  $ nabo operator report --day 2026-06-21 --format csv\n');
  op.command('run', { isDefault: true })
    .description('receive records from the operator broker (shared subscription), verify, store, ack')
    .requiredOption('--broker <url>', "the operator's MQTT broker, mqtts://host:8883")
    .requiredOption('--roster <file>', 'roster JSON: { members: [{ gatewayId, publicKey }] } or the signed roster')
    .option('--database <file|url>', 'SQLite file, or postgres://user@host/db', 'operator.db')
    .option('--group <name>', 'shared-subscription group; receivers in one group split the load', 'nabo-operator')
    .option('--ca <file>', 'CA certificate (PEM) of the broker')
    .option('--cert <file>', 'client certificate (PEM)')
    .option('--key <file>', 'client key (PEM)')
    .option('--username <name>', 'MQTT username')
    .option('--password-env <name>', 'environment variable holding the MQTT password', 'NABO_OPERATOR_PASSWORD')
    .option('--vote-domain <domain>', 'signature domain of result votes in finality certificates', DEFAULT_VOTE_DOMAIN)
    .option('--insecure', 'accept a broker certificate that does not match its name (tests only)')
    .option('--stats-every-ms <ms>', 'print counters to stderr this often (0: never)', '60000')
    .addHelpText('after', '\nExamples:\n  $ nabo operator run --broker mqtts://ops.example:8883 --ca ca.crt --username operator --roster roster.json --database postgres://nabo@db/operator\n    (the MQTT password comes from $NABO_OPERATOR_PASSWORD)\n  $ nabo operator run --broker mqtt://127.0.0.1:1883 --roster roster.json --database operator.db\n')
    .action(run);
  op.command('report')
    .description("one day's metered, traded and imbalance energy and amounts per building and interval, prices per block, totals")
    .requiredOption('--day <date>', 'UTC day, e.g. 2026-06-21')
    .option('--database <file|url>', 'SQLite file, or postgres://user@host/db', 'operator.db')
    .option('--format <format>', 'csv, json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo operator report --day 2026-06-21 --format csv\n  $ nabo operator report --database postgres://nabo@db/operator --day 2026-06-21\n')
    .action(report);
}
