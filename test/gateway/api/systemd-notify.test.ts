import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startChild, type WatchedChild } from '../../helpers/child-process.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { findExecutable, SystemdNotifier, SystemdNotifyService, type NotifyTransport } from '../../../gateway/api/systemd-notify.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { harness } from './api-harness.js';

const T0 = Date.UTC(2026, 5, 21, 12, 0);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
afterAll(removeTempFolders);

// A NOTIFY_SOCKET as systemd makes one: a unix datagram socket; python3 binds it and prints
// each datagram it receives as one JSON line.
const LISTENER = `
import json, socket, sys
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + addr[1:] if addr.startswith("@") else addr)
print("bound", flush=True)
while True:
    data = s.recv(4096)
    print(json.dumps(data.decode()), flush=True)
`;

class NotifyListener {
  private constructor(private readonly child: WatchedChild) {}

  static async open(address: string): Promise<NotifyListener> {
    if (!findExecutable('python3')) throw new Error('this test needs python3 to create a NOTIFY_SOCKET');
    const child = startChild('python3', ['-c', LISTENER, address], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await child.waitFor(/^bound$/m, 10_000, 'stdout');
    } catch (err) {
      await child.stop();
      throw err;
    }
    return new NotifyListener(child);
  }

  /** The datagrams received, from the complete JSON lines the listener printed. */
  get datagrams(): string[] {
    return this.child
      .stdout()
      .split('\n')
      .slice(1, -1)
      .map((line) => JSON.parse(line) as string);
  }

  /** The assignments received, a datagram may hold several lines. */
  get lines(): string[] {
    return this.datagrams.flatMap((d) => d.split('\n')).filter((x) => x !== '');
  }

  /** Checked on each output of the listener; rejects after `timeoutMs` with what it received. */
  waitFor(predicate: (lines: string[]) => boolean, timeoutMs = 5000): Promise<void> {
    return this.child.waitFor(() => predicate(this.lines), timeoutMs, 'stdout');
  }

  close(): Promise<unknown> {
    return this.child.stop();
  }
}

function tempSocket(): string {
  return join(tempFolder('nabo-notify-'), 'notify.sock');
}

describe('systemd notify', () => {
  for (const transport of ['python3', 'socat'] as NotifyTransport[]) {
    it(`sends READY=1 when started, WATCHDOG=1 every WatchdogSec/2 and STOPPING=1 on stop (${transport} helper)`, async () => {
      if (!findExecutable(transport)) throw new Error(`this test needs ${transport} installed`);
      const socket = tempSocket();
      const listener = await NotifyListener.open(socket);
      cleanup.push(() => listener.close());
      const clock = new SimulatedClock({ startMs: T0 });
      const h = harness(clock);
      cleanup.push(() => h.close());
      const notifier = new SystemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '20000000' }, realClock: clock, transports: [transport] });
      expect(notifier.watchdogMs).toBe(20_000);
      const service = new SystemdNotifyService(notifier);
      await service.start(h.ctx);
      await listener.waitFor((l) => l.includes('READY=1'));
      // MAINPID travels in the same datagram as READY=1: systemd learns both at once.
      expect(listener.datagrams.find((d) => d.includes('READY=1'))?.split('\n')).toContain(`MAINPID=${process.pid}`);
      expect(listener.lines).toContain('STATUS=gateway gw-1: running, 3 devices configured');
      expect(listener.lines).not.toContain('WATCHDOG=1');
      // Half of WatchdogSec later, the first ping; another half, the second.
      await clock.advance(10_000);
      await listener.waitFor((l) => l.filter((x) => x === 'WATCHDOG=1').length === 1);
      await clock.advance(10_000);
      await listener.waitFor((l) => l.filter((x) => x === 'WATCHDOG=1').length === 2);
      await service.stop();
      await listener.waitFor((l) => l.includes('STOPPING=1'));
      expect(notifier.transport).toBe(transport);
    });
  }

  it('keeps STATUS= current with the devices answering and the uplink backlog', async () => {
    const socket = tempSocket();
    const listener = await NotifyListener.open(socket);
    cleanup.push(() => listener.close());
    const clock = new SimulatedClock({ startMs: T0 });
    const h = harness(clock);
    cleanup.push(() => h.close());
    const health = new HealthRegistry();
    h.ctx.status.provide('health', () => health.snapshot());
    health.recordSuccess('grid', 'lan', T0, 10);
    health.recordError('pv', 'lan', T0, 'timeout', 'no answer');
    const service = new SystemdNotifyService(new SystemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: socket }, realClock: clock }), { statusPeriodMs: 5000 });
    await service.start(h.ctx);
    cleanup.push(() => service.stop());
    await listener.waitFor((l) => l.includes('STATUS=gateway gw-1: 1/2 devices answering (not: pv)'));
    health.recordSuccess('pv', 'lan', T0 + 1000, 10);
    h.ctx.store.outbox.enqueue({ id: 'x', kind: 'trade', payload: '{}', createdMs: T0 });
    await clock.advance(5000);
    await listener.waitFor((l) => l.includes('STATUS=gateway gw-1: 2/2 devices answering; uplink backlog 1'));
    // Unchanged, nothing is sent again.
    await clock.advance(5000);
    service.notifier.status('marker');
    await listener.waitFor((l) => l.includes('STATUS=marker'));
    expect(listener.lines.filter((l) => l.startsWith('STATUS=gateway'))).toHaveLength(2);
  });

  it('reaches an abstract NOTIFY_SOCKET (@name) too', async () => {
    const name = `@nabo-notify-test-${process.pid}-${Math.floor(performance.now())}`;
    const listener = await NotifyListener.open(name);
    cleanup.push(() => listener.close());
    const notifier = new SystemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: name }, realClock: new SimulatedClock({ startMs: T0 }) });
    notifier.status('warming up\nwith a newline');
    notifier.ready();
    await listener.waitFor((l) => l.includes('READY=1'));
    expect(listener.lines).toContain('STATUS=warming up with a newline');
    await notifier.close();
  });

  it('stops pinging the watchdog while the daemon is not alive, so systemd restarts it', async () => {
    const socket = tempSocket();
    const listener = await NotifyListener.open(socket);
    cleanup.push(() => listener.close());
    const clock = new SimulatedClock({ startMs: T0 });
    let alive = true;
    const notifier = new SystemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '2000000' }, realClock: clock, alive: () => alive });
    notifier.ready();
    await clock.advance(1000);
    await listener.waitFor((l) => l.includes('WATCHDOG=1'));
    alive = false;
    await clock.advance(3000);
    notifier.status('marker');
    await listener.waitFor((l) => l.includes('STATUS=marker'));
    expect(listener.lines.filter((x) => x === 'WATCHDOG=1')).toHaveLength(1);
    await notifier.close();
  });

  it('does nothing outside systemd, and no watchdog when WATCHDOG_PID names another process', () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const outside = new SystemdNotifier({ env: {}, realClock: clock });
    expect(outside.enabled).toBe(false);
    outside.ready();
    expect(clock.pendingTimers()).toBe(0);
    const other = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/nonexistent', WATCHDOG_USEC: '1000000', WATCHDOG_PID: String(process.pid + 1) }, realClock: clock });
    expect(other.watchdogMs).toBeUndefined();
  });
});
