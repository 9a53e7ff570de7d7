// A pseudo-terminal pair from socat: the simulated device opens one end, the client (gateway,
// mbpoll, johnny-five) the other, and bytes flow between them as over a null-modem cable.
// socat is the field's tool for this; node has no pty API of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface PtyPair {
  /** The end the simulated device opens. */
  readonly devicePath: string;
  /** The end handed to the client (the symlink when `clientLink` was given). */
  readonly clientPath: string;
  /** Resolves when bytes start to flow: at once, or when the client first opens its end (`waitForClient`). */
  readonly clientOpened: Promise<void>;
  /** Resolves when socat has gone (closed, or the client left under `endWithClient`). */
  readonly exited: Promise<void>;
  /** socat still runs (a dead pair's pty numbers may already belong to someone else). */
  alive(): boolean;
  close(): Promise<void>;
}

export class ToolMissingError extends Error {
  constructor(readonly tool: string, hint: string) {
    super(`${tool} is not installed or not on PATH (${hint})`);
    this.name = 'ToolMissingError';
  }
}

const PTY_LINE = /N PTY is (\S+)/g;

// socat outlives a parent that exits without closing its pairs; take them down with us.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGTERM');
  });
}

/** Parses socat -d -d stderr for the two pty paths, in the order socat opened them. */
export function parseSocatPtyPaths(stderr: string): string[] {
  return [...stderr.matchAll(PTY_LINE)].map((m) => m[1] as string);
}

export interface OpenPtyPairOptions {
  socatPath?: string;
  /** A stable path (symlink) for the client's end, e.g. inside a temp folder. */
  clientLink?: string;
  /**
   * Holds the transfer until the client opens its end (socat's wait-slave), so a device can
   * greet the client the moment it connects, as a board reset by DTR would.
   */
  waitForClient?: boolean;
  /** End the pair when the client closes its end (for devices that greet each new session). */
  endWithClient?: boolean;
}

/**
 * Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and waits until it reports both paths.
 * The client end ignores EOF so clients that open and close the port per run (mbpoll) can come
 * back; the pair lives until `close`.
 */
export function openPtyPair(options: OpenPtyPairOptions = {}): Promise<PtyPair> {
  const socat = options.socatPath ?? 'socat';
  return new Promise<PtyPair>((resolve, reject) => {
    const clientAddress = ['pty', 'raw', 'echo=0'];
    if (!options.endWithClient) clientAddress.push('ignoreeof');
    if (options.waitForClient) clientAddress.push('wait-slave');
    if (options.clientLink) clientAddress.push(`link=${options.clientLink}`);
    const child = spawn(socat, ['-d', '-d', 'pty,raw,echo=0', clientAddress.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let stderr = '';
    let settled = false;
    let linking = false;
    let markOpened: () => void = () => undefined;
    const clientOpened = new Promise<void>((res) => (markOpened = res));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    const finish = (err: Error | undefined, pair?: PtyPair): void => {
      if (settled) return;
      settled = true;
      if (err) {
        child.kill('SIGTERM');
        reject(err);
      } else resolve(pair as PtyPair);
    };
    // No timer here: socat either reports both ptys within milliseconds or exits with an error,
    // and the caller bounds the whole start in its own (real or simulated) time.
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ENOENT' ? new ToolMissingError('socat', 'apt-get install socat') : err);
    });
    child.on('exit', (code) => finish(new Error(`socat exited with ${String(code)} before opening both ptys: ${stderr.trim()}`)));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const paths = parseSocatPtyPaths(stderr);
      // "starting data transfer loop" means both ends are linked (with wait-slave: the client opened).
      if (stderr.includes('starting data transfer loop')) markOpened();
      if (!linking && paths.length >= 2 && (options.waitForClient || stderr.includes('starting data transfer loop'))) {
        const pair = new SocatPtyPair(child, paths[0] as string, options.clientLink ?? (paths[1] as string), clientOpened, exited);
        if (!options.clientLink || !options.waitForClient) finish(undefined, pair);
        else {
          // socat makes the link just after reporting the pty; hand the pair out once it points there.
          linking = true;
          waitForLink(options.clientLink, paths[1] as string, () => settled, exited).then(
            (ok) => ok && finish(undefined, pair),
            (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
          );
        }
      }
      if (settled) stderr = stderr.slice(-4096);
    });
  });
}

/** Waits until `link` points at `target` (watching its folder); false when the caller gave up meanwhile. */
async function waitForLink(link: string, target: string, givenUp: () => boolean, exited: Promise<void>): Promise<boolean> {
  // Changes are counted from before the first look, so a link made between a look and the wait is not missed.
  let changes = 0;
  let wake: () => void = () => undefined;
  void exited.then(() => wake());
  const watcher = watch(dirname(link), () => {
    changes++;
    wake();
  });
  try {
    for (;;) {
      if (givenUp()) return false;
      const seen = changes;
      try {
        if ((await readlink(link)) === target) return true;
      } catch (err) {
        // Not there yet: socat is about to make it, or will exit with an error (handled by 'exit').
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (changes !== seen) resolve();
      });
    }
  } finally {
    watcher.close();
  }
}

class SocatPtyPair implements PtyPair {
  constructor(
    private readonly child: ChildProcess,
    readonly devicePath: string,
    readonly clientPath: string,
    readonly clientOpened: Promise<void>,
    readonly exited: Promise<void>,
  ) {}

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
