import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { RealClock, type TimerHandle } from '../../clock/clock.js';
import { startGateway } from '../../daemon.js';
import { acquireStoreLock } from '../../store/store-lock.js';
import { clockFrom, loadConfigOrExit, loggerFor } from '../gateway-setup.js';
import { EXIT_FAILED, EXIT_OK } from '../output.js';

/** Longest a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 5000;
/** How often a gateway started through npm looks whether npm is still there. */
const PARENT_CHECK_MS = 500;

/**
 * `npx nabo run` (and `npm run`) put npm and a shell between the signal and the gateway, and a
 * SIGTERM to npm alone left the gateway running as an orphan. Started that way, the gateway
 * treats losing its parent as SIGTERM. Not otherwise: `nohup nabo run &` must outlive its shell.
 */
function watchParent(onOrphaned: () => void): () => void {
  if (process.env.npm_command === undefined || process.ppid <= 1) return () => undefined;
  const clock = new RealClock();
  const parent = process.ppid;
  const timer: TimerHandle = clock.setInterval(() => {
    if (process.ppid === parent) return;
    clock.clear(timer);
    onOrphaned();
  }, PARENT_CHECK_MS);
  return () => clock.clear(timer);
}

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
      // One daemon per store: a second one on the same data folder refuses, naming the first.
      mkdirSync(config.gateway.dataDir, { recursive: true });
      const lock = acquireStoreLock(config.gateway.dataDir);
      if (!lock.ok) {
        process.stderr.write(`nabo run: ${lock.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      try {
        const clock = clockFrom(config, opts);
        const log = loggerFor(config, 'gateway');
        // One signal handler for the whole run. Removing a listener and adding another (one for
        // start-up, one after) can drop a signal that arrives between them: libuv delivers it to
        // the closed handle. A signal during start-up is kept and acted on once the gateway is up.
        let pending: NodeJS.Signals | 'parent-gone' | undefined;
        let act: ((signal: NodeJS.Signals | 'parent-gone') => void) | undefined;
        let stopping = false;
        const onSignal = (signal: NodeJS.Signals | 'parent-gone'): void => {
          if (stopping) {
            log.warn({ signal }, 'second signal while stopping: exiting now');
            process.exit(EXIT_FAILED);
          }
          if (act) act(signal);
          else pending ??= signal;
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        try {
          const gateway = await startGateway(config, clock, log);
          await new Promise<void>((resolve) => {
            let unwatch = (): void => undefined;
            act = (signal) => {
              stopping = true;
              unwatch();
              log.info({ signal }, signal === 'parent-gone' ? 'stopping: npm, which started this gateway, is gone' : 'stopping');
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
            unwatch = watchParent(() => onSignal('parent-gone'));
            if (pending) onSignal(pending);
          });
        } finally {
          process.removeListener('SIGTERM', onSignal);
          process.removeListener('SIGINT', onSignal);
        }
        if ('stop' in clock && typeof clock.stop === 'function') (clock as { stop(): void }).stop();
      } finally {
        lock.value.release();
      }
    });
}
