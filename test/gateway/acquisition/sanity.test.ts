import { describe, expect, it } from 'vitest';
import { checkValues, type SanityState } from '../../../gateway/acquisition/sanity.js';

describe('sanity checks before storing', () => {
  it('accepts plausible values and remembers counters', () => {
    const state: SanityState = { lastCounters: {} };
    const r = checkValues({ powerW: 1200, energyImportWh: 1000, socPercent: 50 }, state, { ratedPowerW: 10_000 });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toEqual({ powerW: 1200, energyImportWh: 1000, socPercent: 50 });
    expect(state.lastCounters.energyImportWh).toBe(1000);
  });

  it('rejects a counter that goes backwards and keeps the last good one', () => {
    const state: SanityState = { lastCounters: { energyImportWh: 5000 } };
    const r = checkValues({ energyImportWh: 4999 }, state, {});
    expect(r.accepted).toEqual({});
    expect(r.rejected[0]).toMatchObject({ quantity: 'energyImportWh', reason: 'counter-went-backwards' });
    expect(state.lastCounters.energyImportWh).toBe(5000);
  });

  it('rejects power beyond the device rating, non-finite numbers and impossible ranges', () => {
    const r = checkValues({ powerW: 40_000, voltageL1V: Number.NaN, socPercent: 140, frequencyHz: 50 }, { lastCounters: {} }, { ratedPowerW: 10_000 });
    expect(r.accepted).toEqual({ frequencyHz: 50 });
    expect(r.rejected.map((x) => x.reason).sort()).toEqual(['not-finite', 'out-of-range', 'power-above-rating']);
  });

  it('flags a meter clock far from ours', () => {
    const now = Date.UTC(2026, 0, 1);
    const r = checkValues({}, { lastCounters: {} }, { maxClockSkewMs: 60_000 }, { nowMs: now, meterTimeMs: now - 3_600_000 });
    expect(r.rejected[0]).toMatchObject({ quantity: 'timestamp', reason: 'timestamp-not-sane' });
  });

  it('flags a meter clock more than a minute off but keeps its values, and refuses only beyond the limit', () => {
    const now = Date.UTC(2026, 5, 21, 12);
    const off = checkValues({ powerW: 1200 }, { lastCounters: {} }, {}, { nowMs: now, meterTimeMs: now - 90_000 });
    expect(off).toMatchObject({ accepted: { powerW: 1200 }, rejected: [], flags: ['clock-skew'] });
    expect(checkValues({ powerW: 1200 }, { lastCounters: {} }, {}, { nowMs: now, meterTimeMs: now - 5000 }).flags).toEqual([]);
  });
});
