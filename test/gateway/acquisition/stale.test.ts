import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, StaleDetector } from '../../../gateway/acquisition/stale.js';

describe('frozen values', () => {
  it('become stale after the same voltage and power for five minutes, and recover when they move', () => {
    const d = new StaleDetector();
    const frame = { powerW: 1500, voltageL1V: 230.1 };
    expect(d.observe('m', frame, 0)).toBe('fresh');
    expect(d.observe('m', frame, STALE_AFTER_MS - 1)).toBe('unchanged');
    expect(d.observe('m', frame, STALE_AFTER_MS)).toBe('became-stale');
    expect(d.observe('m', frame, STALE_AFTER_MS + 60_000)).toBe('stale');
    expect(d.observe('m', { ...frame, voltageL1V: 230.2 }, STALE_AFTER_MS + 120_000)).toBe('recovered');
  });

  it('never judges a frame that has no reason to move (counters only, or no power flowing)', () => {
    const d = new StaleDetector();
    for (let t = 0; t <= 2 * STALE_AFTER_MS; t += 60_000) {
      expect(d.observe('m', { energyImportWh: 1000 }, t)).toBe('fresh');
      expect(d.observe('p', { pvAcPowerW: 0 }, t)).toBe('fresh');
    }
  });

  it('tracks the fast and the slow frames of a device apart', () => {
    const d = new StaleDetector();
    d.observe('m', { powerW: 1 }, 0);
    d.observe('m', { energyImportWh: 5, voltageL1V: 230 }, 0);
    expect(d.observe('m', { powerW: 2 }, STALE_AFTER_MS)).toBe('fresh');
    expect(d.observe('m', { energyImportWh: 5, voltageL1V: 230 }, STALE_AFTER_MS)).toBe('became-stale');
  });
});
