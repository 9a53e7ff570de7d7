// `nabo operator run` as a child process, so tests can SIGKILL it mid-ingest.
import { spawn, type ChildProcess } from 'node:child_process';

export interface OperatorProcess {
  proc: ChildProcess;
  stderr: () => string;
  /** SIGTERM and wait: resolves with the final stats line printed on stdout. */
  stop: () => Promise<string>;
  kill: () => Promise<void>;
}

export function startOperatorProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OperatorProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'operator', 'run', '--stats-every-ms', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const handle: OperatorProcess = {
    proc,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      return out;
    },
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`nabo operator did not start in 30 s: ${err}`));
    }, 30_000);
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('receiving on')) {
        clearTimeout(timer);
        resolve(handle);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nabo operator exited with ${code}: ${err}`));
    });
  });
}
