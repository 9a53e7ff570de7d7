// A private Mosquitto for the demo: its own folder, a free loopback port, a password file and
// an ACL, optionally TLS only (demo-tls.ts), persistence off (the gateways' SQLite outboxes
// are what make delivery durable).
// Started from Debian's /usr/sbin/mosquitto; `running` is waited for on its own log line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BrokerTlsFiles } from './demo-tls.js';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';

export class ToolMissing extends Error {}

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

/** A port free on 127.0.0.1 right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  for (const [bin, what] of [[MOSQUITTO_BIN, 'mosquitto'], [MOSQUITTO_PASSWD_BIN, 'mosquitto_passwd']] as const) {
    if (!existsSync(bin)) throw new ToolMissing(`${what} is not installed (${bin}); install it with: apt-get install -y mosquitto`);
  }
  mkdirSync(options.dir, { recursive: true });
  const passwd = join(options.dir, 'passwd');
  writeFileSync(passwd, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(options.users)) execFileSync(MOSQUITTO_PASSWD_BIN, ['-b', passwd, user, password], { stdio: 'pipe' });
  writeFileSync(join(options.dir, 'acl'), options.acl, { mode: 0o600 });
  // A port taken between the probe and the broker's bind makes it exit: try a few.
  for (let attempt = 0; ; attempt++) {
    const port = await freeLoopbackPort();
    const conf = join(options.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        ...(options.tls ? [`cafile ${options.tls.caFile}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`, 'tls_version tlsv1.2'] : []),
        ...(options.tls ? (Object.keys(options.tls.clients).length > 0 ? ['require_certificate true', 'use_identity_as_username true'] : ['require_certificate false']) : []),
        // Started as root, mosquitto would drop to a user that cannot read this private folder.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${join(options.dir, 'acl')}`,
        'persistence false',
        `max_packet_size ${options.maxPacketBytes ?? 1_048_576}`,
        'max_queued_messages 10000',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
        'log_type information',
        '',
      ].join('\n'),
    );
    const proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = await waitRunning(proc);
    if (started === true) return { url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`, port, ...(options.tls ? { tls: options.tls } : {}), stop: () => stopProcess(proc) };
    if (attempt >= 3) throw new Error(`mosquitto did not start: ${started}`);
  }
}

function waitRunning(proc: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let log = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve(`no 'running' line in 10 s: ${log}`);
    }, 10_000);
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (/running/.test(log)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited with ${code}: ${log.trim()}`);
    });
  });
}

export function stopProcess(proc: ChildProcess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}
