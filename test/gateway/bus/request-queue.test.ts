import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { BusError, RequestQueue, type RequestPriority } from '../../../gateway/bus/request-queue.js';
import { Backoff } from '../../../gateway/bus/backoff.js';

const T0 = Date.UTC(2026, 0, 1);

/** A request that answers after `ms` of the queue's clock, or never when ms is null. */
function req(clock: SimulatedClock, deviceId: string, priority: RequestPriority, ms: number | null, log: string[], label = deviceId) {
  return {
    deviceId,
    priority,
    timeoutMs: 100,
    run: (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${label}@${clock.now() - T0}`);
        if (ms === null) {
          signal.addEventListener('abort', () => reject(signal.reason));
          return;
        }
        const h = clock.setTimeout(() => resolve(label), ms);
        signal.addEventListener('abort', () => {
          clock.clear(h);
          reject(signal.reason);
        });
      }),
  };
}

describe('bus request queue', () => {
  it('keeps one request on the wire and serves writes, then fast reads, then slow reads', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock });
    const log: string[] = [];
    const done = [
      q.enqueue(req(clock, 'a', 'slow', 10, log, 'slow-a')),
      q.enqueue(req(clock, 'b', 'fast', 10, log, 'fast-b')),
      q.enqueue(req(clock, 'c', 'write', 10, log, 'write-c')),
      q.enqueue(req(clock, 'd', 'fast', 10, log, 'fast-d')),
    ];
    await clock.advance(100);
    await Promise.all(done);
    // slow-a was already on the wire when the others arrived; then priorities decide.
    expect(log).toEqual(['start slow-a@0', 'start write-c@10', 'start fast-b@20', 'start fast-d@30']);
  });

  it('takes slow reads of different devices in turn', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock });
    const log: string[] = [];
    const blocker = q.enqueue(req(clock, 'x', 'fast', 5, log, 'x'));
    const done = [
      q.enqueue(req(clock, 'a', 'slow', 5, log, 'a1')),
      q.enqueue(req(clock, 'a', 'slow', 5, log, 'a2')),
      q.enqueue(req(clock, 'a', 'slow', 5, log, 'a3')),
      q.enqueue(req(clock, 'b', 'slow', 5, log, 'b1')),
      q.enqueue(req(clock, 'b', 'slow', 5, log, 'b2')),
    ];
    await clock.advance(100);
    await Promise.all([blocker, ...done]);
    expect(log.map((l) => l.split(' ')[1]?.split('@')[0])).toEqual(['x', 'a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('times a silent request out and moves on to the next', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock });
    const log: string[] = [];
    const dead = q.enqueue(req(clock, 'dead', 'fast', null, log));
    const alive = q.enqueue(req(clock, 'alive', 'fast', 10, log));
    const deadResult = dead.catch((e: unknown) => e);
    await clock.advance(200);
    const err = await deadResult;
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).kind).toBe('timeout');
    await expect(alive).resolves.toBe('alive');
    expect(log).toEqual(['start dead@0', 'start alive@100']);
  });

  it('rests a device that keeps timing out, so it costs the bus no more timeouts', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock, failuresBeforeRest: 2, restInitialMs: 5000, random: () => 0.5 });
    const log: string[] = [];
    const results: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      q.enqueue(req(clock, 'dead', 'fast', null, log, `dead${i}`)).catch((e: unknown) => results.push((e as BusError).kind));
      q.enqueue(req(clock, 'ok', 'fast', 10, log, `ok${i}`)).then(() => results.push('ok'));
    }
    await clock.advance(1000);
    expect(results.filter((r) => r === 'timeout')).toHaveLength(2);
    expect(results.filter((r) => r === 'backed-off')).toHaveLength(2);
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(q.isResting('dead')).toBe(true);
    expect(q.stats().rejectedWhileResting).toBe(2);
    // After the rest, one probe goes to the line again.
    await clock.advance(10_000);
    expect(q.isResting('dead')).toBe(false);
  });

  it('does not rest a device that answers with an exception: it is alive', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock, failuresBeforeRest: 1 });
    const p = q.enqueue({ deviceId: 'm', priority: 'fast', timeoutMs: 100, run: () => Promise.reject(new BusError('exception', 'illegal address', 'm')) });
    await expect(p).rejects.toMatchObject({ kind: 'exception' });
    expect(q.isResting('m')).toBe(false);
  });

  it('fails waiting requests when closed', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const q = new RequestQueue({ clock });
    const log: string[] = [];
    const first = q.enqueue(req(clock, 'a', 'fast', null, log)).catch((e: unknown) => e);
    const second = q.enqueue(req(clock, 'b', 'fast', 10, log)).catch((e: unknown) => e);
    q.close();
    expect(((await second) as BusError).kind).toBe('closed');
    await clock.advance(200);
    expect(((await first) as BusError).kind).toBe('timeout');
    await expect(q.enqueue(req(clock, 'c', 'fast', 1, log))).rejects.toMatchObject({ kind: 'closed' });
  });
});

describe('back-off', () => {
  it('grows exponentially to its cap with jitter inside the bounds', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    const low = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    expect([low.next(), low.next()]).toEqual([50, 100]);
    b.reset();
    expect(b.attempts).toBe(0);
  });
});
