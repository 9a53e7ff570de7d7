// `nabo roster init|sign|verify|show|sign-prices|mosquitto-acl`: the operator writes a roster (init makes a
// template to edit), signs it with its key, and every gateway verifies it against the pinned
// operator key. mosquitto-acl prints the broker ACL that lets each gateway write only its topics.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson } from '../../../core/canonical-json.js';
import { timingFor } from '../../demo/district-setup.js';
import { readKeyFile } from '../../market/identity.js';
import { mosquittoAcl } from '../../market/mosquitto-acl.js';
import { priceListSchema, signPriceList, verifyPriceList } from '../../market/prices.js';
import { activeMembers, signRoster, validateRoster, verifyRoster, type RosterInput } from '../../market/roster.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
}

function write(out: string | undefined, text: string): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

function parseMember(text: string): RosterInput['members'][number] {
  const [gatewayId, publicKey, buildingId, block] = text.split(':');
  if (!gatewayId || !publicKey || !buildingId || !block) throw new UsageError(`--member ${text}: expected gatewayId:publicKey:buildingId:block`);
  return { gatewayId, publicKey, buildingId, block };
}

/** The signed roster of a file, checked against the pinned key (or, without one, its own). */
function loadSigned(file: string, operatorKey: string | undefined) {
  const raw = readJson(file);
  const claimed = (raw as { payload?: { operatorPublicKey?: unknown } } | null)?.payload?.operatorPublicKey;
  const key = operatorKey ?? (typeof claimed === 'string' ? claimed : '');
  return { verified: verifyRoster(raw, key), pinned: operatorKey !== undefined };
}

export function register(program: Command): void {
  const roster = program.command('roster').description('the signed block roster: market, blocks, DSO lines, members and their keys, parameters');

  roster
    .command('init')
    .description('write an unsigned roster template to edit, then sign with `nabo roster sign`')
    .requiredOption('--market <id>', 'market id (an MQTT topic segment)')
    .requiredOption('--operator-key-file <path>', "the operator's identity key (`nabo keys init`)")
    .option('--member <gateway:publicKey:building:block>', 'a member (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--block <id>', 'the block of a one-block market', 'block-1')
    .option('--speed <x>', 'market timing for gateways on a simulated clock x times real time (rehearsals, demos): every wait long enough in real seconds')
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExample:\n  $ nabo roster init --market trondheim-1 --operator-key-file operator.key --member b1-h1:<hex>:house-1:block-1 --out roster.json\n')
        .action((flags: { market: string; operatorKeyFile: string; member: string[]; block: string; speed?: string; out?: string }) => {
      const speed = flags.speed === undefined ? undefined : Number(flags.speed);
      if (speed !== undefined && !(speed >= 1 && speed <= 3600)) throw new UsageError(`--speed must be a number 1..3600, got '${flags.speed}'`);
      const key = readKeyFile(flags.operatorKeyFile);
      if (!key.ok) throw new UsageError(key.error.detail);
      const input: RosterInput = {
        marketId: flags.market,
        version: 1,
        issuedAt: '2026-01-01T00:00:00Z',
        operatorPublicKey: key.value.publicKey,
        parameters: speed === undefined ? {} : timingFor(speed),
        blocks: [{ id: flags.block, gridImportPriceMinorPerKWh: 120, gridTariffMinorPerKWh: 45, gridExportPriceMinorPerKWh: 60 }],
        lines: [],
        members: flags.member.map(parseMember),
        revokedKeys: [],
      };
      const valid = validateRoster(input);
      if (!valid.ok) throw new UsageError(`roster: ${valid.error.detail}`);
      write(flags.out, `${JSON.stringify(valid.value, null, 2)}\n`);
      process.exitCode = EXIT_OK;
    });

  roster
    .command('sign')
    .description("sign a roster with the operator's key; prints the signed envelope (canonical JSON)")
    .argument('<roster>', 'unsigned roster JSON')
    .requiredOption('--key-file <path>', "the operator's identity key")
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExample:\n  $ nabo roster sign /etc/nabo/roster.json --key-file operator.key --out /etc/nabo/roster.signed.json\n')
    .action((file: string, flags: { keyFile: string; out?: string }) => {
      const key = readKeyFile(flags.keyFile);
      if (!key.ok) throw new UsageError(key.error.detail);
      const valid = validateRoster(readJson(file));
      if (!valid.ok) throw new UsageError(`${file}: ${valid.error.detail}`);
      if (valid.value.operatorPublicKey !== key.value.publicKey) throw new UsageError(`${file}: operatorPublicKey is not the public key of ${flags.keyFile}`);
      write(flags.out, `${canonicalJson(signRoster(valid.value, key.value.seed))}\n`);
      process.exitCode = EXIT_OK;
    });

  roster
    .command('verify')
    .description('verify a signed roster against the pinned operator key; exit 1 with the reason when refused')
    .argument('<signed>', 'signed roster JSON')
    .option('--operator-key <hex>', "the operator's public key as pinned in the gateway config (without it: the key the roster names)")
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo roster verify /etc/nabo/roster.signed.json --operator-key 3b6a27bc…\n')
    .action((file: string, flags: { operatorKey?: string; format?: string }) => {
      const { verified, pinned } = loadSigned(file, flags.operatorKey);
      const view = verified.ok
        ? { valid: true, marketId: verified.value.roster.marketId, version: verified.value.roster.version, members: verified.value.roster.members.length, pinnedKey: pinned }
        : { valid: false, reason: verified.error.kind, detail: verified.error.detail, pinnedKey: pinned };
      if (resolveFormat(flags.format) === 'json') printJson(view);
      else process.stdout.write(verified.ok ? `valid: market ${view.marketId} version ${view.version}${pinned ? '' : ' (self-signed check only: pass --operator-key)'}\n` : `refused: ${verified.error.kind}: ${verified.error.detail}\n`);
      process.exitCode = verified.ok ? EXIT_OK : EXIT_FAILED;
    });

  roster
    .command('show')
    .description('print a signed roster: market, version, blocks, members')
    .argument('<signed>', 'signed roster JSON')
    .option('--operator-key <hex>', "the operator's pinned public key")
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo roster show /etc/nabo/roster.signed.json --format table\n')
    .action((file: string, flags: { operatorKey?: string; format?: string }) => {
      const { verified } = loadSigned(file, flags.operatorKey);
      if (!verified.ok) {
        process.stderr.write(`nabo roster show: refused: ${verified.error.kind}: ${verified.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      const r = verified.value.roster;
      if (resolveFormat(flags.format) === 'json') printJson(r);
      else {
        process.stdout.write(`market ${r.marketId}, version ${r.version}, issued ${r.issuedAt}, ${r.parameters.intervalMinutes}-minute intervals, ${r.parameters.solverBackend}/${r.parameters.priceRule}\n`);
        process.stdout.write(formatTable(['block', 'import', 'tariff', 'feed-in', 'cap Wh'], r.blocks.map((b) => [b.id, b.gridImportPriceMinorPerKWh, b.gridTariffMinorPerKWh, b.gridExportPriceMinorPerKWh, b.connectionCapWh ?? '-'])));
        const active = new Set(activeMembers(r).map((m) => m.gatewayId));
        process.stdout.write(formatTable(['gateway', 'building', 'block', 'public key', 'state'], r.members.map((m) => [m.gatewayId, m.buildingId, m.block, `${m.publicKey.slice(0, 16)}…`, active.has(m.gatewayId) ? 'active' : 'revoked'])));
      }
      process.exitCode = EXIT_OK;
    });

  roster
    .command('sign-prices')
    .description("sign a grid price list (per interval and block: import, tariff, feed-in) with the operator's key, for the retained prices topic")
    .argument('<prices>', 'price list JSON: { marketId, version, intervals: [{ intervalStart, blocks: [...] }] }')
    .requiredOption('--key-file <path>', "the operator's identity key")
    .requiredOption('--roster <signed>', 'the signed roster the prices are for (blocks, market id)')
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExample:\n  $ nabo roster sign-prices /etc/nabo/prices.json --key-file operator.key --roster /etc/nabo/roster.signed.json --out /etc/nabo/prices.signed.json\n')
    .action((file: string, flags: { keyFile: string; roster: string; out?: string }) => {
      const key = readKeyFile(flags.keyFile);
      if (!key.ok) throw new UsageError(key.error.detail);
      const { verified } = loadSigned(flags.roster, key.value.publicKey);
      if (!verified.ok) throw new UsageError(`${flags.roster}: ${verified.error.kind}: ${verified.error.detail}`);
      const parsed = priceListSchema.safeParse(readJson(file));
      if (!parsed.success) throw new UsageError(`${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      const signedList = signPriceList(parsed.data, key.value.seed);
      // Check it exactly as a gateway will: against the roster's operator, market and blocks.
      const check = verifyPriceList(signedList, verified.value.roster);
      if (!check.ok) throw new UsageError(`${file}: ${check.error.kind}: ${check.error.detail}`);
      write(flags.out, `${canonicalJson(signedList)}\n`);
      process.exitCode = EXIT_OK;
    });

  roster
    .command('mosquitto-acl')
    .description('print the Mosquitto ACL for the roster: each gateway writes only its own topics')
    .argument('<signed>', 'signed roster JSON')
    .option('--operator-key <hex>', "the operator's pinned public key")
    .option('--operator-user <name>', 'MQTT user of the operator', 'operator')
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExample:\n  $ nabo roster mosquitto-acl /etc/nabo/roster.signed.json --out /etc/mosquitto/nabo.acl\n')
    .action((file: string, flags: { operatorKey?: string; operatorUser: string; out?: string }) => {
      const { verified } = loadSigned(file, flags.operatorKey);
      if (!verified.ok) {
        process.stderr.write(`nabo roster mosquitto-acl: refused: ${verified.error.kind}: ${verified.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      write(flags.out, mosquittoAcl(verified.value.roster, flags.operatorUser));
      process.exitCode = EXIT_OK;
    });
}
