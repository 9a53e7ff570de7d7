// Child processes for tests: what a child printed (kept per stream and interleaved), a bounded
// real-time wait for something it prints (failing early when it exits first), its exit, and a
// stop that signals and waits. `runChild` runs one to its end without blocking this event loop
// (so an API served from this process can answer it, which spawnSync would not allow).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ChangeSignal } from './change-signal.js';

/** The repository's CLI through tsx, as tests run it: `process.execPath` with these arguments first. */
export const NABO_CLI = ['--import', 'tsx', 'gateway/cli/main.ts'] as const;

export type OutputMatch = string | RegExp | ((text: string) => boolean);

export interface WatchedChild {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they arrived. */
  output(): string;
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The exit code once the output streams have ended too (nothing more will be printed). */
  readonly closed: Promise<number | null>;
  /** Resolves once the child's output (or one stream) matches; rejects on timeout or if it exits first. */
  waitFor(match: OutputMatch, timeoutMs: number, stream?: 'stdout' | 'stderr' | 'output'): Promise<void>;
  /** Calls `fn` with each complete line the child prints on `stream` (stdout by default), in order. */
  onLine(fn: (line: string) => void, stream?: 'stdout' | 'stderr'): void;
  /** Sends `signal` (SIGTERM by default) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function matches(match: OutputMatch, text: string): boolean {
  if (typeof match === 'string') return text.includes(match);
  if (match instanceof RegExp) return match.test(text);
  return match(text);
}

/** Watches a child just spawned (before its first output). */
export function watchChild(proc: ChildProcess): WatchedChild {
  const text = { stdout: '', stderr: '', output: '' };
  const changed = new ChangeSignal();
  let closeCode: number | null | undefined;
  const take = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
    text[stream] += d.toString();
    text.output += d.toString();
    changed.notify();
  };
  proc.stdout?.on('data', take('stdout'));
  proc.stderr?.on('data', take('stderr'));
  const gone = (): boolean => proc.exitCode !== null || proc.signalCode !== null;
  const exited = gone() ? Promise.resolve(proc.exitCode) : new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // 'close' comes after the last output: a wait fails on it, not on 'exit', so no late line is missed.
  const closed = new Promise<number | null>((resolve) =>
    proc.once('close', (code) => {
      closeCode = code;
      changed.notify();
      resolve(code);
    }),
  );
  return {
    proc,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    output: () => text.output,
    exited,
    closed,
    waitFor: (match, timeoutMs, stream = 'output') => {
      const tail = (): string => text.output.slice(-2000);
      const seen = (): boolean => {
        if (matches(match, text[stream])) return true;
        if (closeCode !== undefined) throw new Error(`${proc.spawnfile} exited (${closeCode}) before ${String(match)}; it printed:\n${tail()}`);
        return false;
      };
      return changed.until(seen, timeoutMs, () => `no ${String(match)} within ${timeoutMs} ms from ${proc.spawnfile}; it printed:\n${tail()}`);
    },
    onLine: (fn, stream = 'stdout') => {
      const input = proc[stream];
      if (!input) throw new Error(`${proc.spawnfile}'s ${stream} is not piped`);
      createInterface({ input }).on('line', fn);
    },
    stop: async (signal = 'SIGTERM') => {
      if (!gone()) proc.kill(signal);
      return exited;
    },
  };
}

/** Spawns with stdout and stderr piped (stdin ignored unless `options.stdio` says otherwise). */
export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): WatchedChild {
  return watchChild(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
}

/** Runs a command to its end: exit code and what it printed. */
export async function runChild(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const c = startChild(command, args, options);
  const status = await c.closed;
  return { status, stdout: c.stdout(), stderr: c.stderr() };
}
