import { describe, expect, it } from 'vitest';
import { RealClock, SimulatedClock } from '../../gateway/clock/clock.js';
import { Lockstep } from './lockstep.js';

const T0 = Date.UTC(2026, 5, 21);

describe('lockstep driver', () => {
  it('steps timer by timer and lets each answer arrive before the next timer fires', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const real = new RealClock();
    const sent: number[] = [];
    const arrived: number[] = [];
    const seenAt: Array<{ sentAtMs: number; clockAtArrivalMs: number }> = [];
    // A "device" answering after a few ms of real time, like a pty round trip.
    clock.setInterval(() => {
      const at = clock.now();
      sent.push(at);
      real.setTimeout(() => {
        arrived.push(at);
        seenAt.push({ sentAtMs: at, clockAtArrivalMs: clock.now() });
      }, 3);
    }, 1000);
    const lockstep = new Lockstep({ clock, checks: [{ name: 'answers', pending: () => (arrived.length < sent.length ? `${sent.length - arrived.length} in flight` : undefined) }] });
    await lockstep.runTo(T0 + 10_000);
    expect(sent).toHaveLength(10);
    // Every answer arrived while the clock still read the instant its request went out.
    expect(seenAt.every((s) => s.sentAtMs === s.clockAtArrivalMs)).toBe(true);
    expect(clock.now()).toBe(T0 + 10_000);
    expect(lockstep.stats.waits).toBe(10);
  });

  it('halts at the stops it is given, after the timers due there, and runs the callback', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    let ticks = 0;
    clock.setInterval(() => ticks++, 600);
    const seen: Array<[number, number]> = [];
    await new Lockstep({ clock, checks: [] }).runTo(T0 + 3000, [T0 + 1200, T0 + 2500], (at) => {
      seen.push([at - T0, ticks]);
    });
    expect(seen).toEqual([
      [1200, 2],
      [2500, 4],
    ]);
  });

  it('fails with what is pending when the system never goes quiet', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    clock.setTimeout(() => undefined, 1000);
    const lockstep = new Lockstep({ clock, maxWaitMs: 50, checks: [{ name: 'board', pending: () => 'johnny-five saw 0/1 rising edges' }] });
    await expect(lockstep.runTo(T0 + 5000)).rejects.toThrow(/not quiet after \d+ ms of real time at 2026-06-21T00:00:00.000Z: board: johnny-five saw 0\/1 rising edges/);
  });
});
