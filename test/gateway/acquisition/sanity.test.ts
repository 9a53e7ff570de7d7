import { describe, expect, it } from 'vitest';
import { checkValues, counterModuli, noteMeterId, type SanityState } from '../../../gateway/acquisition/sanity.js';
import { carloGavazziEm24 } from '../../../protocols/devices/carlo-gavazzi-em24.js';
import { eastronSdm630 } from '../../../protocols/devices/eastron-sdm630.js';

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

describe('counter resets, wraps and swaps in the sanity check', () => {
  it('re-baselines a drop to near zero and reports it as a reset', () => {
    const state: SanityState = { lastCounters: { energyImportWh: 5_000_000 } };
    const r = checkValues({ energyImportWh: 12 }, state, {});
    expect(r.accepted).toEqual({ energyImportWh: 12 });
    expect(r.events).toEqual([expect.objectContaining({ quantity: 'energyImportWh', kind: 'reset', fromValue: 5_000_000, toValue: 12 })]);
    expect(checkValues({ energyImportWh: 20 }, state, {}).accepted).toEqual({ energyImportWh: 20 });
  });

  it('unwraps a counter that passes its register width and keeps adding the width', () => {
    const state: SanityState = { lastCounters: { energyImportWh: 65_530 } };
    const limits = { counterModulus: { energyImportWh: 65_536 } };
    const r = checkValues({ energyImportWh: 4 }, state, limits);
    expect(r.accepted).toEqual({ energyImportWh: 65_540 });
    expect(r.events[0]).toMatchObject({ kind: 'wrap' });
    expect(checkValues({ energyImportWh: 10 }, state, limits)).toMatchObject({ accepted: { energyImportWh: 65_546 }, events: [] });
  });

  it('forgets every counter when the meter serial changes', () => {
    const state: SanityState = { lastCounters: { energyImportWh: 5000 }, meterId: 'A' };
    expect(noteMeterId(state, 'A')).toBeUndefined();
    expect(noteMeterId(state, 'B')).toMatchObject({ kind: 'meter-replaced', quantity: 'meter' });
    expect(checkValues({ energyImportWh: 4000 }, state, {}).accepted).toEqual({ energyImportWh: 4000 });
  });

  it('knows the register width of a definition\'s integer counters in Wh', () => {
    // Carlo Gavazzi EM24: kWh × 10 in an INT32 → 2^32 × 100 Wh.
    expect(counterModuli(carloGavazziEm24).energyImportWh).toBe(2 ** 32 * 100);
    // Eastron: float32 counters do not wrap.
    expect(counterModuli(eastronSdm630).energyImportWh).toBeUndefined();
  });
});
