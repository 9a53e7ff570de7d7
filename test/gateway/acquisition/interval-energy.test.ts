import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterAt, intervalEnergies, type CounterSample } from '../../../gateway/acquisition/interval-energy.js';

const Q = 900_000;

describe('interval energy from counters', () => {
  it('takes the exact counter at a boundary when a reading falls on it', () => {
    const s: CounterSample[] = [
      { atMs: 0, valueWh: 1000 },
      { atMs: Q, valueWh: 1250 },
      { atMs: 2 * Q, valueWh: 1300 },
    ];
    expect(intervalEnergies(s, [0, Q], Q, 60_000).map((e) => e.energyWh)).toEqual([250, 50]);
  });

  it('interpolates between the readings around a boundary', () => {
    const s: CounterSample[] = [
      { atMs: -10_000, valueWh: 990 },
      { atMs: 10_000, valueWh: 1010 },
      { atMs: Q - 30_000, valueWh: 1970 },
      { atMs: Q + 30_000, valueWh: 2030 },
    ];
    expect(counterAt(s, 0, 60_000)).toBe(1000);
    expect(intervalEnergies(s, [0], Q, 60_000)[0]).toEqual({ intervalStartMs: 0, intervalMs: Q, energyWh: 1000, gap: false });
  });

  it('marks a gap, not a zero, when no reading is close to a boundary', () => {
    const s: CounterSample[] = [
      { atMs: 0, valueWh: 0 },
      { atMs: Q - 500_000, valueWh: 10 },
      { atMs: Q + 500_000, valueWh: 20 },
    ];
    const [e] = intervalEnergies(s, [0], Q, 60_000);
    expect(e).toMatchObject({ gap: true, energyWh: null, gapReason: 'no-reading-at-end' });
    expect(intervalEnergies([], [0], Q, 60_000)[0]).toMatchObject({ gap: true, gapReason: 'no-reading-at-start' });
  });

  it('marks an interval where the counter went backwards (a reset) as a gap', () => {
    const s: CounterSample[] = [
      { atMs: 0, valueWh: 5000 },
      { atMs: Q / 2, valueWh: 5100 },
      { atMs: Q / 2 + 1000, valueWh: 3 },
      { atMs: Q, valueWh: 50 },
    ];
    expect(intervalEnergies(s, [0], Q, 60_000)[0]).toMatchObject({ gap: true, gapReason: 'counter-went-backwards' });
  });

  it('adds up over consecutive intervals to the counter difference exactly (whole Wh)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 10, maxLength: 200 }), fc.integer({ min: 1000, max: 20_000 }), (steps, periodMs) => {
        const samples: CounterSample[] = [];
        let v = 123_456.7;
        for (let i = 0; i < steps.length; i++) {
          samples.push({ atMs: i * periodMs, valueWh: v });
          v += (steps[i] as number) / 10;
        }
        const span = (steps.length - 1) * periodMs;
        const len = 60_000;
        const starts: number[] = [];
        for (let t = 0; t + len <= span; t += len) starts.push(t);
        if (starts.length === 0) return;
        const res = intervalEnergies(samples, starts, len, periodMs);
        const total = res.reduce((n, e) => n + (e.energyWh as number), 0);
        const first = counterAt(samples, starts[0] as number, periodMs) as number;
        const last = counterAt(samples, (starts[starts.length - 1] as number) + len, periodMs) as number;
        expect(res.every((e) => !e.gap && (e.energyWh as number) >= 0)).toBe(true);
        expect(total).toBe(Math.round(last) - Math.round(first));
      }),
      { numRuns: 200 },
    );
  });
});
