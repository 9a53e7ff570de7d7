// `nabo init`: the installer's first run. Asks for what it cannot find out, offers what the
// scan finds, creates the identity key, writes a nabo.yaml that `nabo config check` accepts,
// and ends with `nabo check` on it. Exit 0 all read, 1 written but a device failed, 2 usage.
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probeDevices, type ProbeResult } from '../../acquisition/probe.js';
import { RealClock } from '../../clock/clock.js';
import { validateConfig } from '../../config/load.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';
import { summarise } from './check.js';
import { checkDocument, configDocument, configYaml, type InitAnswers } from '../init/config-document.js';
import { listSerialPorts } from '../init/discover.js';
import { Gatherer, type InitFlags } from '../init/gather.js';
import { createIdentityKey, identityKeyPath, readIdentityKey } from '../init/identity-key.js';
import { AnswersEnded, LinePrompter } from '../init/prompter.js';

interface Options extends InitFlags {
  config: string;
  nonInteractive?: boolean;
  force?: boolean;
  check: boolean;
  pushWait: string;
  format?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

async function run(opts: Options): Promise<number> {
  const configFile = path.resolve(opts.config);
  // Before any question: an installer must not answer ten of them to learn this.
  if (existsSync(configFile) && !opts.force) throw new UsageError(`${configFile} exists; give --force to replace it (the identity key is kept either way)`);
  const note = (line: string): void => void process.stderr.write(`${line}\n`);
  const prompter = opts.nonInteractive ? undefined : new LinePrompter(process.stdin, process.stderr);
  const gather = new Gatherer(opts, prompter, note);
  let doc: Record<string, unknown>;
  let answersDone: InitAnswers;
  try {
    const basics = await gather.answers();
    const ports = await listSerialPorts();
    if (!ports.ok) note(ports.error.detail);
    const hardware = await gather.hardware(ports.ok ? ports.value : []);
    answersDone = await gather.market(basics);
    doc = configDocument(answersDone, hardware);
  } catch (err) {
    if (err instanceof AnswersEnded) throw new UsageError(err.message);
    throw err;
  } finally {
    prompter?.close();
  }
  const problems = checkDocument(doc);
  if (problems.length > 0) throw new UsageError(`the config would not be valid, nothing written:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  if (answersDone.rosterFile && !existsSync(answersDone.rosterFile)) note(`warning: roster file ${answersDone.rosterFile} does not exist (yet)`);

  let key = createIdentityKey(answersDone.dataDir);
  let keyCreated = true;
  if (!key.ok && key.error.kind === 'exists') {
    note(`keeping the identity key in ${identityKeyPath(answersDone.dataDir)}`);
    key = readIdentityKey(identityKeyPath(answersDone.dataDir));
    keyCreated = false;
  }
  if (!key.ok) {
    process.stderr.write(`nabo init: ${key.error.detail}\n`);
    return EXIT_FAILED;
  }
  mkdirSync(path.dirname(configFile), { recursive: true });
  writeFileSync(configFile, configYaml(doc, answersDone, new Date(new RealClock().now()).toISOString()), { mode: 0o640 });
  note(`wrote ${configFile}; identity key ${key.value.file} (public key ${key.value.publicKeyHex}: give it to the block operator for the roster)`);

  let checked: ProbeResult[] | undefined;
  if (opts.check) {
    const parsed = validateConfig(doc);
    if (!parsed.ok) throw new Error('a config that passed validation failed it again');
    note('checking every device once (nabo check)…');
    checked = await probeDevices(parsed.config, { pushWaitMs: Number(opts.pushWait) });
  }
  const failed = (checked ?? []).filter((r) => r.status !== 'ok');
  const result = {
    config: configFile,
    gateway: answersDone.gatewayId,
    identityKey: { file: key.value.file, publicKeyHex: key.value.publicKeyHex, created: keyCreated },
    buses: (doc.buses as unknown[]).length,
    devices: (doc.devices as unknown[]).length,
    check: checked === undefined ? 'skipped' : { ok: failed.length === 0, devices: checked.map((r) => ({ deviceId: r.deviceId, status: r.status, errors: r.errors })) },
  };
  if (resolveFormat(opts.format) === 'json') printJson(result);
  else {
    process.stdout.write(`${configFile}: gateway ${result.gateway}, ${result.buses} buses, ${result.devices} devices\npublic key ${key.value.publicKeyHex}\n`);
    if (checked) process.stdout.write(formatTable(['device', 'status', 'last values', 'errors'], checked.map((r) => [r.deviceId, r.status, summarise(r.values), r.errors.join('; ')])));
  }
  return failed.length === 0 ? EXIT_OK : EXIT_FAILED;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('first run on a new gateway: ask what cannot be found out, scan for devices, create the identity key, write nabo.yaml and check every device')
    .option('-c, --config <file>', 'where to write the config', 'nabo.yaml')
    .option('--non-interactive', 'ask nothing: take flags and defaults (for scripts); a missing required value is exit 2')
    .option('--force', 'replace an existing config file (the identity key is never replaced)')
    .option('--gateway-id <id>', 'the gateway id, also its MQTT user name (default: the host name)')
    .option('--name <text>', 'the building name')
    .option('--latitude <deg>', 'site latitude, degrees north')
    .option('--longitude <deg>', 'site longitude, degrees east')
    .option('--time-zone <tz>', 'IANA time zone (default: the system one)')
    .option('--data-dir <dir>', 'store and identity key (default /var/lib/nabo)')
    .option('--rs485 <path[:baud[:parity]]>', 'an RS-485 adapter to scan for Modbus devices (repeatable)', collect)
    .option('--han <path>', 'the HAN port (M-Bus adapter) of an AMS meter (repeatable)', collect)
    .option('--p1 <path>', 'the P1 port of a DSMR meter (repeatable)', collect)
    .option('--modbus-host <host[:port]>', 'a Modbus TCP host to scan (repeatable)', collect)
    .option('--units <list>', 'Modbus unit ids to scan (default 1-10)')
    .option('--scan-timeout <ms>', 'how long to wait for each unit id', '250')
    .option('--broker <url>', 'market: the block broker, e.g. mqtts://broker.block.local:8883')
    .option('--ca-file <file>', 'market: CA certificate of the block broker')
    .option('--block-id <id>', 'market: the block id')
    .option('--roster <file>', 'market: the roster file from the block operator')
    .option('--no-check', 'do not read the devices at the end')
    .option('--push-wait <ms>', 'how long the check waits for a HAN or P1 meter to push', '12000')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ nabo init --config /etc/nabo/nabo.yaml\n  $ nabo init --non-interactive --config /etc/nabo/nabo.yaml --gateway-id trondheim-b1-h3 \\\n      --latitude 63.43 --longitude 10.40 --rs485 /dev/ttyNaboRs485 --han /dev/ttyNaboHan --modbus-host 192.0.2.10\n',
    )
    .action(async (opts: Options) => {
      process.exitCode = await run(opts);
    });
}
