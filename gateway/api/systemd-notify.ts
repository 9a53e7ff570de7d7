// systemd readiness and watchdog (sd_notify): READY=1 once every service runs, WATCHDOG=1 every
// WatchdogSec/2, STOPPING=1 on stop, STATUS= lines, to the unix datagram socket in NOTIFY_SOCKET.
//
// Node cannot send unix datagrams (dgram has udp4/udp6 only) and a native addon is a build step
// on every Pi, so one small helper process is started once and kept for the daemon's life: it
// reads lines on stdin and sends each as a datagram. python3 (on Raspberry Pi OS and Debian,
// and what node-gyp needs anyway) first, socat second. A helper per message (systemd-notify
// included) races systemd: a sender that has exited cannot be matched to the unit, and the
// message is dropped. The helper is not the main PID, so the unit needs NotifyAccess=all; READY
// carries MAINPID so systemd keeps watching node.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { Service, ServiceContext } from '../services/service.js';
import { healthFromStatus } from './acquisition-source.js';

export type NotifyTransport = 'python3' | 'socat';

const PYTHON_HELPER = `
import os, socket, sys
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for line in iter(sys.stdin.buffer.readline, b""):
    line = line.rstrip(b"\\n")
    if not line:
        continue
    try:
        s.sendto(line.replace(b"\\x1e", b"\\n"), addr)
    except OSError as e:
        sys.stderr.write("sd_notify: %s\\n" % e)
        sys.stderr.flush()
`;

export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory: try the next one.
    }
  }
  return undefined;
}

export interface SystemdNotifierOptions {
  env?: NodeJS.ProcessEnv;
  /** Watchdog pings run in real time whatever clock the gateway runs on. */
  realClock: Clock;
  log?: Logger;
  /** Which helpers to try, in order (tests force one). */
  transports?: NotifyTransport[];
  /** Ping the watchdog only while this holds (a stuck daemon must be restarted). */
  alive?: () => boolean;
}

export class SystemdNotifier {
  private helper: ChildProcess | undefined;
  private watchdog: TimerHandle | undefined;
  readonly socket: string | undefined;
  readonly watchdogMs: number | undefined;
  transport: NotifyTransport | undefined;
  /** Set once no helper could be found, so the error is logged once, not on every ping. */
  private noHelper = false;

  constructor(private readonly options: SystemdNotifierOptions) {
    const env = options.env ?? process.env;
    this.socket = env.NOTIFY_SOCKET || undefined;
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
    this.watchdogMs = Number.isFinite(usec) && usec > 0 && forUs ? usec / 1000 : undefined;
  }

  /** The real clock the watchdog and status updates run on. */
  get clock(): Clock {
    return this.options.realClock;
  }

  get enabled(): boolean {
    return this.socket !== undefined;
  }

  /** Sends `KEY=value` assignments; a no-op outside systemd. */
  notify(...assignments: string[]): void {
    if (!this.socket || this.noHelper) return;
    const helper = this.helper ?? this.startHelper();
    if (!helper) return;
    // One call is one datagram: python3 reads one line per call (assignments joined by RS);
    // socat sends what one small write brought (assignments on their own lines). A newline
    // inside a value would start a bogus assignment.
    const clean = assignments.map((a) => a.replace(/[\r\n\x1e]+/g, ' '));
    helper.stdin?.write(`${clean.join(this.transport === 'python3' ? '\x1e' : '\n')}\n`);
  }

  ready(status?: string): void {
    this.notify(`MAINPID=${process.pid}`, 'READY=1', ...(status ? [`STATUS=${status}`] : []));
    this.startWatchdog();
  }

  status(text: string): void {
    this.notify(`STATUS=${text}`);
  }

  stopping(status = 'stopping'): void {
    this.stopWatchdog();
    this.notify('STOPPING=1', `STATUS=${status}`);
  }

  /** Ends the helper after it has sent what it holds (stdin EOF ends its loop). */
  close(): Promise<void> {
    this.stopWatchdog();
    const helper = this.helper;
    this.helper = undefined;
    if (!helper || helper.exitCode !== null || helper.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      helper.once('exit', () => resolve());
      helper.stdin?.end();
    });
  }

  private startWatchdog(): void {
    if (this.watchdogMs === undefined || this.watchdog) return;
    this.watchdog = this.options.realClock.setInterval(() => {
      if (this.options.alive?.() ?? true) this.notify('WATCHDOG=1');
    }, this.watchdogMs / 2);
  }

  private stopWatchdog(): void {
    this.options.realClock.clear(this.watchdog);
    this.watchdog = undefined;
  }

  private startHelper(): ChildProcess | undefined {
    const socket = this.socket as string;
    const env = this.options.env ?? process.env;
    for (const transport of this.options.transports ?? ['python3', 'socat']) {
      const exe = findExecutable(transport, env);
      if (!exe) continue;
      const args = transport === 'python3' ? ['-u', '-c', PYTHON_HELPER] : ['-u', 'STDIN', socket.startsWith('@') ? `ABSTRACT-SENDTO:${socket.slice(1)}` : `UNIX-SENDTO:${socket}`];
      const child = spawn(exe, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...env, NOTIFY_SOCKET: socket } });
      child.on('error', (err) => this.options.log?.error({ err, transport }, 'sd_notify helper failed'));
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (d: string) => this.options.log?.warn({ transport }, d.trim()));
      child.stdin?.on('error', (err) => this.options.log?.warn({ err, transport }, 'sd_notify helper went away'));
      // The helper must never keep the daemon's event loop alive.
      child.unref();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      this.helper = child;
      this.transport = transport;
      this.options.log?.info({ transport, socket, watchdogMs: this.watchdogMs ?? null }, 'sd_notify through a helper process');
      return child;
    }
    this.options.log?.error({ socket }, 'NOTIFY_SOCKET is set but neither python3 nor socat is installed: systemd will not see readiness or watchdog pings');
    this.noHelper = true;
    return undefined;
  }
}

/** One line for `systemctl status`: devices answering, and the uplink backlog. */
export function describeGateway(ctx: ServiceContext): string {
  const health = healthFromStatus(ctx.status.snapshot().health);
  const backlog = ctx.store.outbox.pendingCount();
  const tail = backlog > 0 ? `; uplink backlog ${backlog}` : '';
  if (!health) return `gateway ${ctx.config.gateway.id}: running, ${ctx.config.devices.length} devices configured${tail}`;
  const failing = health.devices.filter((d) => d.lastSuccessMs === null || (d.lastErrorMs !== null && d.lastErrorMs > d.lastSuccessMs)).map((d) => d.deviceId);
  const ok = health.devices.length - failing.length;
  return `gateway ${ctx.config.gateway.id}: ${ok}/${health.devices.length} devices answering${failing.length > 0 ? ` (not: ${failing.slice(0, 5).join(', ')}${failing.length > 5 ? ', ...' : ''})` : ''}${tail}`;
}

/**
 * sd_notify as the daemon's last service: started after every other one (READY=1), stopped
 * before them (STOPPING=1), pinging the watchdog in between and keeping STATUS= current.
 */
export class SystemdNotifyService implements Service {
  readonly name = 'systemd-notify';
  private timer: TimerHandle | undefined;

  constructor(
    readonly notifier: SystemdNotifier,
    private readonly options: { statusPeriodMs?: number } = {},
  ) {}

  start(ctx: ServiceContext): void {
    if (!this.notifier.enabled) return;
    let last = describeGateway(ctx);
    this.notifier.ready(last);
    this.timer = this.notifier.clock.setInterval(() => {
      const now = describeGateway(ctx);
      if (now === last) return;
      last = now;
      this.notifier.status(now);
    }, this.options.statusPeriodMs ?? 10_000);
  }

  async stop(): Promise<void> {
    this.notifier.clock.clear(this.timer);
    this.timer = undefined;
    if (!this.notifier.enabled) return;
    this.notifier.stopping();
    await this.notifier.close();
  }
}
