import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { S0PulseOutput } from '../../../device-sim/devices/s0-pulse-output.js';

function setup(counter: () => number, options: { pulseWidthMs?: number } = {}) {
  const clock = new SimulatedClock({ startMs: 0 });
  const edges: Array<{ atMs: number; high: boolean }> = [];
  const out = new S0PulseOutput({ clock, readCounterWh: counter, pulsesPerKWh: 1000, onLevel: (high) => edges.push({ atMs: clock.now(), high }), ...options });
  return { clock, out, edges };
}

describe('S0 pulse output', () => {
  it('gives one pulse per Wh at 1000 pulses/kWh, each at least 30 ms long with a pause after it', async () => {
    let wh = 500;
    const { clock, out, edges } = setup(() => wh);
    out.start();
    wh += 25;
    await clock.advance(60_000);
    expect(out.pulses).toBe(25);
    for (let i = 0; i < edges.length; i += 2) {
      expect(edges[i]!.high).toBe(true);
      expect(edges[i + 1]!.high).toBe(false);
      expect(edges[i + 1]!.atMs - edges[i]!.atMs).toBeGreaterThanOrEqual(30);
      if (i + 2 < edges.length) expect(edges[i + 2]!.atMs - edges[i + 1]!.atMs).toBeGreaterThanOrEqual(30);
    }
  });

  it('refuses pulses shorter than DIN 43864 allows', () => {
    expect(() => setup(() => 0, { pulseWidthMs: 20 })).toThrow(/DIN 43864/);
  });

  it('owes pulses the line cannot carry yet and pays them out later', async () => {
    let wh = 0;
    const { clock, out } = setup(() => wh);
    out.start();
    wh = 100;
    await clock.advance(2000);
    expect(out.pulses).toBeLessThan(100);
    expect(out.owed()).toBeGreaterThan(0);
    await clock.advance(20_000);
    expect(out.pulses).toBe(100);
    expect(out.owed()).toBe(0);
  });

  it('pulses only for energy after the counter went back to zero', async () => {
    let wh = 1000;
    const { clock, out } = setup(() => wh);
    out.start();
    wh = 1003;
    await clock.advance(5000);
    wh = 0;
    await clock.advance(5000);
    wh = 2;
    await clock.advance(5000);
    expect(out.pulses).toBe(5);
  });
});
