import type { Command } from 'commander';
import { startGateway } from '../../daemon.js';
import { clockFrom, loadConfigOrExit, loggerFor } from '../gateway-setup.js';
import { EXIT_FAILED, EXIT_OK } from '../output.js';

/** Longest a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 5000;

export function register(program: Command): void {
  program
    .command('run')
    .description('run the gateway daemon: read every device, check and store, until stopped (SIGTERM/SIGINT)')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .option('--speed <factor>', 'run on a simulated clock this many times faster than real time (demos, tests)')
    .option('--start <iso>', 'start the simulated clock at this instant (ISO 8601 UTC)')
    .addHelpText('after', '\nExample:\n  $ nabo run --config /etc/nabo/nabo.yaml\n  $ nabo run --config sim/b1-h1.yaml --speed 60 --start 2026-06-21T00:00:00Z\n')
    .action(async (opts: { config: string; speed?: string; start?: string }) => {
      const config = loadConfigOrExit(opts.config);
      const clock = clockFrom(config, opts);
      const log = loggerFor(config, 'gateway');
      const gateway = await startGateway(config, clock, log);
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          log.info({ signal }, 'stopping');
          // A watchdog on the process itself, in real time whatever clock the gateway runs on.
          const deadline = setTimeout(() => {
            log.error(`stop took longer than ${STOP_DEADLINE_MS} ms; exiting`);
            process.exit(EXIT_FAILED);
          }, STOP_DEADLINE_MS);
          deadline.unref();
          gateway.stop().then(
            () => {
              clearTimeout(deadline);
              process.exitCode = EXIT_OK;
              resolve();
            },
            (err: unknown) => {
              log.error({ err }, 'stop failed');
              process.exitCode = EXIT_FAILED;
              resolve();
            },
          );
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      if ('stop' in clock && typeof clock.stop === 'function') (clock as { stop(): void }).stop();
    });
}
