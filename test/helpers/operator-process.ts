// `nabo operator run` as a child process, so tests can SIGKILL it mid-ingest.
import type { ChildProcess } from 'node:child_process';
import { NABO_CLI, startChild } from './child-process.js';

export interface OperatorProcess {
  proc: ChildProcess;
  stderr: () => string;
  /** SIGTERM and wait: resolves with the final stats line printed on stdout. */
  stop: () => Promise<string>;
  kill: () => Promise<void>;
}

export async function startOperatorProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OperatorProcess> {
  const c = startChild(process.execPath, [...NABO_CLI, 'operator', 'run', '--stats-every-ms', '0', ...args], { env: { ...process.env, ...env } });
  try {
    await c.waitFor('receiving on', 30_000, 'stderr');
  } catch (err) {
    await c.stop('SIGKILL');
    throw err;
  }
  return {
    proc: c.proc,
    stderr: c.stderr,
    // Its final stats line is the last thing it prints: wait for the streams to end, not just the exit.
    stop: async () => {
      await c.stop('SIGTERM');
      await c.closed;
      return c.stdout();
    },
    kill: async () => {
      await c.stop('SIGKILL');
    },
  };
}
