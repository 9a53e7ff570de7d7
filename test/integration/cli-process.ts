// A `nabo` command run as its own process (through tsx, from the repository), for flow tests
// that start a fleet and gateways the way a newcomer does: its stderr, its exit, and a bounded
// wait for a line it prints. Every child is kept so the test can stop what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CliProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  waitFor(text: string, ms: number): Promise<void>;
}

export function startCli(args: string[], children: ChildProcess[]): CliProcess {
  const child = spawn(TSX, ['gateway/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    for (const w of waiters.filter((x) => err.includes(x.text))) w.resolve();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    waitFor: (text, ms) =>
      new Promise<void>((resolve, reject) => {
        if (err.includes(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`no '${text}' within ${ms} ms; stderr:\n${err.slice(-2000)}`)), ms);
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then((code) => reject(new Error(`exited (${code}) before '${text}'; stderr:\n${err.slice(-2000)}`)));
      }),
  };
}

/** Stops every child still running and waits for their exits. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
}
