// A pseudo-terminal pair from socat: the simulated device opens one end, the client (gateway,
// mbpoll, johnny-five) the other, and bytes flow between them as over a null-modem cable.
// socat is the field's tool for this; node has no pty API of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { RealClock, type Clock } from '../../gateway/clock/clock.js';

export interface PtyPair {
  /** The end the simulated device opens. */
  readonly devicePath: string;
  /** The end handed to the client (the symlink when `clientLink` was given). */
  readonly clientPath: string;
  /** Resolves when bytes start to flow: at once, or when the client first opens its end (`waitForClient`). */
  readonly clientOpened: Promise<void>;
  close(): Promise<void>;
}

export class ToolMissingError extends Error {
  constructor(readonly tool: string, hint: string) {
    super(`${tool} is not installed or not on PATH (${hint})`);
    this.name = 'ToolMissingError';
  }
}

const PTY_LINE = /N PTY is (\S+)/g;

/** Parses socat -d -d stderr for the two pty paths, in the order socat opened them. */
export function parseSocatPtyPaths(stderr: string): string[] {
  return [...stderr.matchAll(PTY_LINE)].map((m) => m[1] as string);
}

export interface OpenPtyPairOptions {
  /** Bounds the wait for socat to report both ends (real time, so a RealClock by default). */
  timeoutMs?: number;
  clock?: Clock;
  socatPath?: string;
  /** A stable path (symlink) for the client's end, e.g. inside a temp folder. */
  clientLink?: string;
  /**
   * Holds the transfer until the client opens its end (socat's wait-slave), so a device can
   * greet the client the moment it connects, as a board reset by DTR would.
   */
  waitForClient?: boolean;
}

/**
 * Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and waits until it reports both paths.
 * The client end ignores EOF so clients that open and close the port per run (mbpoll) can come
 * back; the pair lives until `close`.
 */
export function openPtyPair(options: OpenPtyPairOptions = {}): Promise<PtyPair> {
  const clock = options.clock ?? new RealClock();
  const timeoutMs = options.timeoutMs ?? 5000;
  const socat = options.socatPath ?? 'socat';
  return new Promise<PtyPair>((resolve, reject) => {
    const clientAddress = ['pty', 'raw', 'echo=0', 'ignoreeof'];
    if (options.waitForClient) clientAddress.push('wait-slave');
    if (options.clientLink) clientAddress.push(`link=${options.clientLink}`);
    const child = spawn(socat, ['-d', '-d', 'pty,raw,echo=0', clientAddress.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    let markOpened: () => void = () => undefined;
    const clientOpened = new Promise<void>((res) => (markOpened = res));
    const finish = (err: Error | undefined, pair?: PtyPair): void => {
      if (settled) return;
      settled = true;
      clock.clear(timer);
      if (err) {
        child.kill('SIGTERM');
        reject(err);
      } else resolve(pair as PtyPair);
    };
    const timer = clock.setTimeout(() => finish(new Error(`socat did not report two ptys within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
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
      if (paths.length >= 2 && (options.waitForClient || stderr.includes('starting data transfer loop'))) {
        finish(undefined, new SocatPtyPair(child, paths[0] as string, options.clientLink ?? (paths[1] as string), clientOpened));
      }
      if (settled) stderr = stderr.slice(-4096);
    });
  });
}

class SocatPtyPair implements PtyPair {
  constructor(
    private readonly child: ChildProcess,
    readonly devicePath: string,
    readonly clientPath: string,
    readonly clientOpened: Promise<void>,
  ) {}

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
