// A `nabo` command run as its own process (through tsx, from the repository), for flow tests
// that start a fleet and gateways the way a newcomer does: its stderr, its exit, and a bounded
// wait for a line it prints. Every child is kept so the test can stop what it started.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startChild } from '../helpers/child-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CliProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  waitFor(text: string, ms: number): Promise<void>;
}

export function startCli(args: string[], children: ChildProcess[]): CliProcess {
  const c = startChild(TSX, ['gateway/cli/main.ts', ...args], { cwd: ROOT });
  children.push(c.proc);
  return { child: c.proc, stderr: c.stderr, exited: c.exited, waitFor: (text, ms) => c.waitFor(text, ms, 'stderr') };
}

/** Stops every child still running and waits for their exits. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
}
