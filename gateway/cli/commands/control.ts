import type { Command } from 'commander';
import { notHoldable, readHolds, writeHolds } from '../../control/holds.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { EXIT_FAILED, EXIT_OK, UsageError, formatTable, printJson, resolveFormat } from '../output.js';
import { RealClock } from '../../clock/clock.js';

function controllable(configFile: string, deviceId: string): string {
  const config = loadConfigOrExit(configFile);
  const why = notHoldable(config, deviceId);
  if (why) throw new UsageError(`${why} in ${configFile}`);
  return config.gateway.dataDir;
}

export function register(program: Command): void {
  const control = program.command('control').description('take a battery or relay out of automatic control, give it back, or list what is held');
  control
    .command('hold')
    .description('take a device out of automatic control: the daemon hands it back to its own control within one period')
    .argument('<device>', 'device id, or relay id, from the config')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .option('--reason <text>', 'why, for whoever looks later')
    .addHelpText('after', '\nExample:\n  $ nabo control hold battery --config /etc/nabo/nabo.yaml --reason "service visit"\n  $ nabo control hold water-heater --config /etc/nabo/nabo.yaml   # a relay: left in its fail-safe state\n')
    .action((deviceId: string, opts: { config: string; reason?: string }) => {
      const dataDir = controllable(opts.config, deviceId);
      const current = readHolds(dataDir);
      if (!current.ok) {
        process.stderr.write(`nabo: ${current.error}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      writeHolds(dataDir, { ...current.holds, [deviceId]: { sinceIso: new Date(new RealClock().now()).toISOString(), ...(opts.reason ? { reason: opts.reason } : {}) } });
      process.stderr.write(`${deviceId} is held: automatic control leaves it alone until \`nabo control release ${deviceId}\`\n`);
      process.exitCode = EXIT_OK;
    });
  control
    .command('release')
    .description('give a held device back to automatic control')
    .argument('<device>', 'device id from the config')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .addHelpText('after', '\nExample:\n  $ nabo control release battery --config /etc/nabo/nabo.yaml\n')
    .action((deviceId: string, opts: { config: string }) => {
      const dataDir = controllable(opts.config, deviceId);
      const current = readHolds(dataDir);
      if (!current.ok) {
        process.stderr.write(`nabo: ${current.error}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      const { [deviceId]: released, ...rest } = current.holds;
      writeHolds(dataDir, rest);
      process.stderr.write(released ? `${deviceId} is back under automatic control\n` : `${deviceId} was not held\n`);
      process.exitCode = EXIT_OK;
    });
  control
    .command('show')
    .description('list the devices held out of automatic control')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo control show --config /etc/nabo/nabo.yaml\n')
    .action((opts: { config: string; format?: string }) => {
      const config = loadConfigOrExit(opts.config);
      const current = readHolds(config.gateway.dataDir);
      if (!current.ok) {
        process.stderr.write(`nabo: ${current.error}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      if (resolveFormat(opts.format) === 'json') printJson(current.holds);
      else process.stdout.write(formatTable(['device', 'held since', 'reason'], Object.entries(current.holds).map(([id, h]) => [id, h.sinceIso, h.reason ?? ''])));
      process.exitCode = EXIT_OK;
    });
}
