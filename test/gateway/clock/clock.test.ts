import { describe, expect, it } from 'vitest';
import { RealClock, SimulatedClock, createClock } from '../../../gateway/clock/clock.js';

const T0 = Date.UTC(2026, 5, 21, 0, 0, 0);

describe('simulated clock stepped by hand', () => {
  it('starts at the given instant and moves only when advanced', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    expect(clock.now()).toBe(T0);
    await clock.advance(1500);
    expect(clock.now()).toBe(T0 + 1500);
  });

  it('fires timers in due order with the clock reading each due time', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 200);
    await clock.advance(1000);
    expect(seen).toEqual([
      ['a', T0 + 100],
      ['b', T0 + 200],
      ['c', T0 + 200],
    ]);
  });

  it('repeats intervals at exact multiples of the period', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const ticks: number[] = [];
    const h = clock.setInterval(() => ticks.push(clock.now() - T0), 250);
    await clock.advance(1000);
    clock.clear(h);
    await clock.advance(1000);
    expect(ticks).toEqual([250, 500, 750, 1000]);
  });

  it('lets async work woken by a timer schedule the next one within the same advance', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const at: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(60_000);
        await Promise.resolve();
        at.push(clock.now() - T0);
      }
    };
    const done = loop();
    await clock.advance(5 * 60_000);
    await done;
    expect(at).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
  });

  it('cancels a sleep through its abort signal', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const ac = new AbortController();
    const p = clock.sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a negative step and a bad speed', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    await expect(clock.advance(-1)).rejects.toThrow(/negative/);
    expect(() => new SimulatedClock({ startMs: T0, speed: 0 })).toThrow(/speed/);
  });
});

describe('accelerated simulated clock', () => {
  it('runs simulated time faster than real time by its speed', async () => {
    const clock = new SimulatedClock({ startMs: T0, speed: 1440 });
    clock.start();
    const realStart = performance.now();
    // A simulated minute at 1440x is about 42 real ms.
    await clock.sleep(60_000);
    const realElapsed = performance.now() - realStart;
    clock.stop();
    expect(clock.now() - T0).toBeGreaterThanOrEqual(60_000);
    expect(realElapsed).toBeLessThan(60_000 / 10);
  });

  it('never lets now() pass a timer that has not fired', async () => {
    const clock = createClock({ mode: 'simulated', startMs: T0, speed: 60 }) as SimulatedClock;
    let firedAt = -1;
    clock.setTimeout(() => {
      firedAt = clock.now();
    }, 600);
    // The clock already runs: the timer is due 600 ms after whatever now() read when it was set.
    const due = clock.nextDueMs() as number;
    expect(due).toBeGreaterThanOrEqual(T0 + 600);
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        if (firedAt >= 0) resolve();
        else {
          expect(clock.now()).toBeLessThanOrEqual(due);
          setImmediate(poll);
        }
      };
      poll();
    });
    clock.stop();
    expect(firedAt).toBeGreaterThanOrEqual(due);
  });
});

describe('real clock', () => {
  it('reads wall-clock time and runs timers', async () => {
    const clock = new RealClock();
    const before = Date.now();
    expect(Math.abs(clock.now() - before)).toBeLessThan(1000);
    let fired = false;
    await new Promise<void>((resolve) => clock.setTimeout(() => {
      fired = true;
      resolve();
    }, 1));
    expect(fired).toBe(true);
  });
});

describe('accelerated simulated clock under many timers', () => {
  it('fires every due timer in one wake-up, so a fast clock is not capped by real timer wake-ups', async () => {
    // A hundred timers due at the same simulated instant: one real wake-up fires them all
    // (one wake-up per timer would cap a fast clock at Node's ~1000 wake-ups per second).
    const clock = new SimulatedClock({ startMs: T0, speed: 1440 });
    let fired = 0;
    for (let i = 0; i < 100; i++) clock.setTimeout(() => fired++, 1000);
    clock.start();
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (fired === 100) resolve();
        else setTimeout(check, 2);
      };
      check();
    });
    clock.stop();
    expect(clock.wakeUps).toBeLessThanOrEqual(2);
  });
});
