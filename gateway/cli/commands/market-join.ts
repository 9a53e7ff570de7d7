// `nabo market join`, a subcommand of `nabo market` (registered from market.ts): enable the
// market section of a gateway config from the operator's signed roster, after checking that the
// roster lists this gateway with the key in its identity key file. The file is edited in place,
// its comments kept, and written only if the whole config still validates.
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { validateConfig } from '../../config/load.js';
import { readKeyFile } from '../../market/identity.js';
import { verifyRoster } from '../../market/roster.js';
import { planJoin } from '../init/market-join.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface JoinFlags {
  config: string;
  roster: string;
  operatorKey: string;
  broker?: string;
  caFile?: string;
  gridMeter?: string;
  orderLeadMs?: string;
  dryRun?: boolean;
  format?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function problemsText(problems: ReadonlyArray<{ path: string; message: string }>): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}

function joinMarket(flags: JoinFlags): number {
  const format = resolveFormat(flags.format);
  if (!/^[0-9a-f]{64}$/.test(flags.operatorKey)) throw new UsageError('--operator-key must be the operator\'s public key, 64 lower-case hex digits');
  let orderLeadMs: number | undefined;
  if (flags.orderLeadMs !== undefined) {
    orderLeadMs = Number(flags.orderLeadMs);
    if (!Number.isInteger(orderLeadMs) || orderLeadMs < 1000 || orderLeadMs > 3_600_000) throw new UsageError(`--order-lead-ms must be a whole number 1000..3600000, got '${flags.orderLeadMs}'`);
  }
  // The gateway would fail at start reading it; better to hear it now, on site.
  if (flags.caFile !== undefined && !existsSync(flags.caFile)) throw new UsageError(`--ca-file ${flags.caFile}: no such file (the block broker's CA certificate, from the operator)`);
  const doc = parseDocument(readText(flags.config));
  if (doc.errors.length > 0) throw new UsageError(`${flags.config}: not YAML: ${doc.errors[0]!.message}`);
  // An empty environment: a password exported in this shell must not end up in the file.
  const before = validateConfig(doc.toJS(), {});
  if (!before.ok) throw new UsageError(`${flags.config} is not a valid config:\n${problemsText(before.problems)}`);
  const config = before.config;

  let raw: unknown;
  try {
    raw = JSON.parse(readText(flags.roster)) as unknown;
  } catch (err) {
    throw new UsageError(`${flags.roster}: not JSON (${(err as Error).message})`);
  }
  const roster = verifyRoster(raw, flags.operatorKey);
  if (!roster.ok) {
    process.stderr.write(`nabo market join: roster refused: ${roster.error.kind}: ${roster.error.detail}\n`);
    return EXIT_FAILED;
  }
  const keyFile = config.market?.keyFile ?? 'identity.key';
  const key = readKeyFile(isAbsolute(keyFile) ? keyFile : join(config.gateway.dataDir, keyFile));
  if (!key.ok) {
    process.stderr.write(`nabo market join: ${key.error.detail} (nabo init or nabo keys init makes it)\n`);
    return EXIT_FAILED;
  }
  const plan = planJoin({
    config,
    roster: roster.value.roster,
    ownPublicKey: key.value.publicKey,
    operatorPublicKey: flags.operatorKey,
    rosterFile: resolve(flags.roster),
    ...(flags.broker !== undefined ? { brokerUrl: flags.broker } : {}),
    ...(flags.caFile !== undefined ? { caFile: resolve(flags.caFile) } : {}),
    ...(flags.gridMeter !== undefined ? { gridMeterDeviceId: flags.gridMeter } : {}),
    ...(orderLeadMs !== undefined ? { orderLeadMs } : {}),
  });
  if (!plan.ok) {
    process.stderr.write(`nabo market join: ${plan.error.kind}: ${plan.error.detail}\n`);
    return EXIT_FAILED;
  }
  if (!doc.has('market')) doc.set('market', doc.createNode({}));
  for (const [path, value] of plan.value.fields) doc.setIn(['market', ...path], value);
  const after = validateConfig(doc.toJS(), {});
  if (!after.ok) throw new UsageError(`the market section would not be valid, nothing written:\n${problemsText(after.problems)}`);
  if (!flags.dryRun) writeFileSync(flags.config, doc.toString({ lineWidth: 0 }));

  const m = after.config.market!;
  const view = {
    config: flags.config,
    written: !flags.dryRun,
    gateway: config.gateway.id,
    marketId: m.marketId,
    block: plan.value.block,
    rosterVersion: roster.value.roster.version,
    members: plan.value.members,
    broker: m.broker?.url,
    gridMeterDeviceId: m.gridMeterDeviceId,
    pvDeviceId: m.pvDeviceId ?? null,
  };
  if (format === 'json') printJson(view);
  else {
    process.stdout.write(formatTable(['gateway', 'market', 'block', 'roster', 'broker', 'grid meter', 'pv'], [[view.gateway, view.marketId ?? '', view.block, `v${view.rosterVersion}, ${view.members} members`, view.broker ?? '', view.gridMeterDeviceId ?? '', view.pvDeviceId ?? '-']]));
    process.stdout.write(flags.dryRun ? 'dry run: nothing written\n' : `market enabled in ${flags.config}; put the MQTT password in nabo.env as NABO_MQTT_PASSWORD and restart the service\n`);
  }
  return EXIT_OK;
}

export function registerMarketJoin(market: Command): void {
  market
    .command('join')
    .description("enable this gateway's market section from the operator's signed roster: checks the roster lists this gateway with its identity key, then sets market id, operator key, block, roster file, broker and meters")
    .requiredOption('-c, --config <file>', 'the gateway config to edit (comments are kept)')
    .requiredOption('--roster <signed>', "the operator's signed roster (JSON), e.g. /etc/nabo/roster.json")
    .requiredOption('--operator-key <hex>', "the operator's public key, from the operator (pinned: rosters and prices must be signed by it)")
    .option('--broker <url>', 'the block broker, e.g. mqtts://broker.b1.local:8883 (default: the one nabo init wrote)')
    .option('--ca-file <file>', "the block broker's CA certificate (default: the one nabo init wrote)")
    .option('--grid-meter <device>', 'the device whose energy is the building\'s exchange with the grid (default: the one with role grid-meter)')
    .option('--order-lead-ms <ms>', 'send each order this long before gate closure (default 30000)')
    .option('--dry-run', 'check and print, write nothing')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo market join --config /etc/nabo/nabo.yaml --roster /etc/nabo/roster.json --operator-key 3b6a27bc… --broker mqtts://broker.b1.local:8883 --ca-file /etc/nabo/ca.crt\n')
    .action((flags: JoinFlags) => {
      process.exitCode = joinMarket(flags);
    });
}
