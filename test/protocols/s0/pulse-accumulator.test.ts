import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { S0Accumulator, INITIAL_S0_STATE, s0Energy, stepS0, type S0Event } from '../../../protocols/s0/index.js';

/** `n` clean pulses of `widthMs`, one every `periodMs`, from `fromMs`. */
function pulses(n: number, periodMs: number, widthMs = 50, fromMs = 0): S0Event[] {
  const out: S0Event[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ edge: 'rising', atMs: fromMs + i * periodMs }, { edge: 'falling', atMs: fromMs + i * periodMs + widthMs });
  }
  return out;
}

describe('S0 pulse accumulator', () => {
  it('counts energy in whole Wh over a hundred thousand pulses, keeping the remainder', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 800 }); // 1.25 Wh per pulse
    let previous = 0;
    let irregular = 0; // each pulse adds 1 or 2 whole Wh (1.25 with the remainder carried)
    for (const e of pulses(100_003, 200)) {
      if (acc.feed(e) !== 'counted') continue;
      if (acc.energyWh - previous !== 1 && acc.energyWh - previous !== 2) irregular++;
      previous = acc.energyWh;
    }
    expect(irregular).toBe(0);
    expect(acc.state.pulses).toBe(100_003);
    expect(acc.snapshot(0)).toMatchObject({ energyWh: 125_003, remainder: 600 }); // 100 003 × 1.25 = 125 003.75
  });

  it('keeps Wh × constant + remainder equal to pulses × 1000 for any constant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 1e9 }), (imp, n, initial) => {
        const { energyWh, remainder } = s0Energy({ ...INITIAL_S0_STATE, pulses: n }, { impulsesPerKWh: imp, initialEnergyWh: initial });
        expect((energyWh - initial) * imp + remainder).toBe(n * 1000);
        expect(remainder).toBeGreaterThanOrEqual(0);
        expect(remainder).toBeLessThan(imp);
      }),
    );
  });

  it('never loses a Wh that a float running sum of 1000/c would lose', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 3 }); // 333.33… Wh per pulse
    let floatWh = 0;
    for (const e of pulses(30_000, 100)) if (acc.feed(e) === 'counted') floatWh += 1000 / 3;
    expect(acc.energyWh).toBe(10_000_000); // exactly 10 MWh after 30 000 pulses
    expect(floatWh).not.toBe(10_000_000); // the naive sum has drifted
  });

  it('rejects pulses shorter than 30 ms and counts them by kind', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 1000 });
    expect(acc.feed({ edge: 'rising', atMs: 0 })).toBe('started');
    expect(acc.feed({ edge: 'falling', atMs: 29 })).toBe('too-short');
    expect(acc.feed({ edge: 'rising', atMs: 100 })).toBe('started');
    expect(acc.feed({ edge: 'falling', atMs: 130 })).toBe('counted');
    expect(acc.feed({ edge: 'falling', atMs: 140 })).toBe('unmatched-edge');
    expect(acc.feed({ edge: 'rising', atMs: 200 })).toBe('started');
    expect(acc.feed({ edge: 'rising', atMs: 210 })).toBe('unmatched-edge');
    expect(acc.feed({ edge: 'falling', atMs: 150 })).toBe('out-of-order');
    expect(acc.feed({ edge: 'falling', atMs: 260 })).toBe('counted');
    expect(acc.snapshot(300).rejected).toEqual({ 'too-short': 1, 'short-pause': 0, 'unmatched-edge': 2, 'out-of-order': 1 });
    expect(acc.state.pulses).toBe(2);
  });

  it('honours a configured minimum width, minimum pause and an active-low input', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 1000, minPulseWidthMs: 80, minPauseMs: 30, pulseStartsOn: 'falling' });
    expect(acc.feed({ edge: 'falling', atMs: 0 })).toBe('started');
    expect(acc.feed({ edge: 'rising', atMs: 79 })).toBe('too-short');
    expect(acc.feed({ edge: 'falling', atMs: 100 })).toBe('started');
    expect(acc.feed({ edge: 'rising', atMs: 190 })).toBe('counted');
    expect(acc.feed({ edge: 'falling', atMs: 200 })).toBe('started'); // 10 ms after the last pulse ended
    expect(acc.feed({ edge: 'rising', atMs: 290 })).toBe('short-pause');
    expect(acc.state.pulses).toBe(1);
  });

  it('derives power from the interval between pulse starts and lets it decay while none come', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 1000 }); // 1 Wh per pulse
    for (const e of pulses(3, 3600)) acc.feed(e);
    expect(acc.powerW(7200)).toBe(1000); // 1 Wh every 3.6 s = 1 kW
    expect(acc.powerW(7200 + 3600)).toBe(1000);
    expect(acc.powerW(7200 + 7200)).toBe(500); // no pulse for 7.2 s: at most 1 Wh / 7.2 s
    const one = new S0Accumulator({ impulsesPerKWh: 1000 });
    for (const e of pulses(1, 1000)) one.feed(e);
    expect(one.powerW(500)).toBeUndefined(); // one pulse has no interval yet
  });

  it('starts from a configured meter reading and refuses a nonsensical constant', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 1000, initialEnergyWh: 5_000_000 });
    for (const e of pulses(10, 500)) acc.feed(e);
    expect(acc.energyWh).toBe(5_000_010);
    expect(() => new S0Accumulator({ impulsesPerKWh: 0 })).toThrow();
    expect(() => new S0Accumulator({ impulsesPerKWh: 2.5 })).toThrow();
  });

  it('never throws and never counts more pulses than pulse ends, whatever the edges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ edge: fc.constantFrom('rising' as const, 'falling' as const), atMs: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.constant(Number.NaN)) }), {
          maxLength: 200,
        }),
        (events) => {
          let s = INITIAL_S0_STATE;
          for (const e of events) s = stepS0(s, e, { impulsesPerKWh: 1000 }).state;
          const falls = events.filter((e) => e.edge === 'falling').length;
          const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
          expect(s.pulses).toBeLessThanOrEqual(falls);
          expect(s.pulses + rejected).toBeLessThanOrEqual(events.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('marks pulses that come back to back (the output at its limit) as saturated, and no others', () => {
    const acc = new S0Accumulator({ impulsesPerKWh: 1000 });
    // 3.6 kW on a 50 ms pulse: one pulse a second, a long pause after each.
    for (const e of pulses(10, 1000)) acc.feed(e);
    expect(acc.state.saturatedPulses).toBe(0);
    expect(acc.state.lastSaturated).toBe(false);
    // More power than 50 ms pulses with 50 ms pauses can carry: the output pulses flat out.
    for (const e of pulses(5, 100, 50, 20_000)) acc.feed(e);
    // The first of them followed a long pause; the four after it came back to back.
    expect(acc.state.saturatedPulses).toBe(4);
    expect(acc.state.lastSaturated).toBe(true);
    expect(acc.snapshot(21_000).saturatedPulses).toBe(4);
    for (const e of pulses(2, 1000, 50, 30_000)) acc.feed(e);
    expect(acc.state.lastSaturated).toBe(false);
    expect(acc.state.pulses).toBe(17);
  });
});
