// A private Mosquitto for the demo: its own folder, a free loopback port, a password file and
// an ACL, optionally TLS only (demo-tls.ts), persistence off (the gateways' SQLite outboxes
// are what make delivery durable).
// Started from Debian's /usr/sbin/mosquitto; `running` is waited for on its own log line. The
// pieces (config lines, password file, start and stop) are exported for the tests' broker
// (test/helpers/mosquitto.ts), which adds restarts, persistence and its own certificates.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerTlsFiles } from './demo-tls.js';
import { freeLoopbackPort } from './loopback-port.js';

export { freeLoopbackPort };

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';

export class ToolMissing extends Error {}

/** Started as root, mosquitto would drop to a user that cannot read a private or temp folder. */
export const RUN_AS_ROOT_LINES: readonly string[] = process.getuid?.() === 0 ? ['user root'] : [];

/** Everything mosquitto says goes to stderr, including the 'running' line start waits for. */
export const LOG_LINES: readonly string[] = ['log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', 'log_type information'];

/** The listener's TLS lines; with `clientCertificates`, a client's certificate CN is its username. */
export function tlsLines(tls: { caFile: string; certFile: string; keyFile: string }, clientCertificates: boolean): string[] {
  return [`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`, ...(clientCertificates ? ['require_certificate true', 'use_identity_as_username true'] : ['require_certificate false'])];
}

/** A mosquitto password file (readable by its owner only) with these users, hashed by mosquitto_passwd. */
export function writePasswordFile(file: string, users: Readonly<Record<string, string>>): void {
  writeFileSync(file, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users)) execFileSync(MOSQUITTO_PASSWD_BIN, ['-b', file, user, password], { stdio: 'pipe' });
}

export interface BrokerOptions {
  dir: string;
  /** user → password; anonymous clients are refused. */
  users: Record<string, string>;
  acl: string;
  /** Largest message the broker accepts (bytes). */
  maxPacketBytes?: number;
  /**
   * A TLS listener only: mqtts://, no plain port. Clients log in with user and password, or,
   * when `clients` is not empty, must present a certificate of the CA whose CN is their user.
   */
  tls?: BrokerTlsFiles;
}

export interface RunningBroker {
  url: string;
  port: number;
  /** The CA clients verify the broker with, and the client certificates, when it listens on TLS. */
  tls?: BrokerTlsFiles;
  stop(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  for (const [bin, what] of [[MOSQUITTO_BIN, 'mosquitto'], [MOSQUITTO_PASSWD_BIN, 'mosquitto_passwd']] as const) {
    if (!existsSync(bin)) throw new ToolMissing(`${what} is not installed (${bin}); install it with: apt-get install -y mosquitto`);
  }
  mkdirSync(options.dir, { recursive: true });
  const passwd = join(options.dir, 'passwd');
  writePasswordFile(passwd, options.users);
  writeFileSync(join(options.dir, 'acl'), options.acl, { mode: 0o600 });
  // A port taken between the probe and the broker's bind makes it exit: try a few.
  for (let attempt = 0; ; attempt++) {
    const port = await freeLoopbackPort();
    const conf = join(options.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        ...(options.tls ? [...tlsLines(options.tls, Object.keys(options.tls.clients).length > 0), 'tls_version tlsv1.2'] : []),
        ...RUN_AS_ROOT_LINES,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${join(options.dir, 'acl')}`,
        'persistence false',
        `max_packet_size ${options.maxPacketBytes ?? 1_048_576}`,
        'max_queued_messages 10000',
        ...LOG_LINES,
        '',
      ].join('\n'),
    );
    const started = await runMosquitto(conf);
    if (started.ok) {
      const proc = started.proc;
      return { url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`, port, ...(options.tls ? { tls: options.tls } : {}), stop: () => stopProcess(proc) };
    }
    if (attempt >= 3) throw new Error(`mosquitto did not start: ${started.kind === 'timeout' ? `no 'running' line in 10 s: ${started.log}` : `exited with ${started.code}: ${started.log.trim()}`}`);
  }
}

export type MosquittoStart = { ok: true; proc: ChildProcess } | { ok: false; kind: 'timeout'; log: string } | { ok: false; kind: 'exited'; code: number | null; log: string };

/**
 * Runs mosquitto on `confFile` until it logs that it runs (its stdout and stderr both read: a
 * test's own config may log to either), or kills it after `timeoutMs` of real time. Everything
 * it logs, then and later, goes to `onLog`.
 */
export function runMosquitto(confFile: string, options: { timeoutMs?: number; onLog?: (text: string) => void } = {}): Promise<MosquittoStart> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const proc = spawn(MOSQUITTO_BIN, ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let settled = false;
  return new Promise((resolve) => {
    const settle = (outcome: MosquittoStart): void => {
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      settle({ ok: false, kind: 'timeout', log });
    }, timeoutMs);
    // Read for as long as it runs: a full pipe would block the broker.
    const onData = (d: Buffer): void => {
      const text = d.toString();
      options.onLog?.(text);
      if (settled) return;
      log += text;
      if (/mosquitto version \S+ running/.test(log)) settle({ ok: true, proc });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => {
      if (!settled) settle({ ok: false, kind: 'exited', code, log });
    });
  });
}

/** SIGTERM (or `signal`), SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopProcess(proc: ChildProcess, graceMs = 5000, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}
