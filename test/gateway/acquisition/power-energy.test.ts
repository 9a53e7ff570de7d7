import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integratePowerWh, reconciledCounterAt, type PowerSample } from '../../../gateway/acquisition/power-energy.js';

const HOUR = 3_600_000;

function steady(fromMs: number, toMs: number, stepMs: number, powerW: (t: number) => number): PowerSample[] {
  const out: PowerSample[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) out.push({ atMs: t, powerW: powerW(t) });
  return out;
}

describe('energy from power (the HAN estimate)', () => {
  it('integrates power over a span, partial samples included', () => {
    const p = steady(0, HOUR, 10_000, () => 3600);
    expect(integratePowerWh(p, 0, HOUR, 60_000)).toBeCloseTo(3600, 9);
    expect(integratePowerWh(p, 5_000, 905_000, 60_000)).toBeCloseTo(900, 9);
  });

  it('gives no estimate where power readings do not cover the span or lie too far apart', () => {
    const p = steady(0, HOUR, 10_000, () => 1000);
    expect(integratePowerWh(p, -1, 1000, 60_000)).toBeUndefined();
    expect(integratePowerWh(p, 0, HOUR + 1, 60_000)).toBeUndefined();
    const holed = p.filter((s) => s.atMs < 600_000 || s.atMs > 700_000);
    expect(integratePowerWh(holed, 0, HOUR, 60_000)).toBeUndefined();
    expect(integratePowerWh(holed, 0, 500_000, 60_000)).toBeCloseTo(1000 * (500 / 3600), 9);
  });

  it('spreads a counter difference in proportion to integrated power, exact at the counter readings', () => {
    // Twice the power in the second half hour: two thirds of the counter difference go there.
    const p = steady(0, HOUR, 10_000, (t) => (t < HOUR / 2 ? 1000 : 2000));
    const counters = [
      { atMs: 0, valueWh: 10_000 },
      { atMs: HOUR, valueWh: 10_000 + 1800 },
    ];
    const opts = { maxSpanMs: 2 * HOUR, maxPowerGapMs: 60_000 };
    expect(reconciledCounterAt(counters, p, 0, opts)).toBe(10_000);
    expect(reconciledCounterAt(counters, p, HOUR, opts)).toBe(11_800);
    // Trapezoids: the 10 s before the step at half past average 1500 W.
    const firstHalfWh = (1000 * 1790 + 1500 * 10) / 3600;
    const totalWh = firstHalfWh + (2000 * 1800) / 3600;
    expect(reconciledCounterAt(counters, p, HOUR / 2, opts)).toBeCloseTo(10_000 + (1800 * firstHalfWh) / totalWh, 6);
    expect(reconciledCounterAt(counters, p, HOUR + 1, opts)).toBeUndefined();
  });

  it('never leaves the counter readings that bound it, whatever the power', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 361, maxLength: 361 }), fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 1, max: HOUR - 1 }), (powers, deltaWh, atMs) => {
        const p = powers.map((w, i) => ({ atMs: i * 10_000, powerW: w }));
        const v = reconciledCounterAt([{ atMs: 0, valueWh: 500 }, { atMs: HOUR, valueWh: 500 + deltaWh }], p, atMs, { maxSpanMs: HOUR, maxPowerGapMs: 10_000 });
        expect(v).toBeDefined();
        expect(v!).toBeGreaterThanOrEqual(500 - 1e-9);
        expect(v!).toBeLessThanOrEqual(500 + deltaWh + 1e-9);
      }),
    );
  });
});
