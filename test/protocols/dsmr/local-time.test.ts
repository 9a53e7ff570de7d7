import { describe, expect, it } from 'vitest';
import { formatDsmrTimestamp, parseDsmrTimestamp } from '../../../protocols/dsmr/index.js';

describe('DSMR local timestamps', () => {
  it('reads W as standard time and S as summer time of the zone', () => {
    expect(parseDsmrTimestamp('170102192002W', 'Europe/Amsterdam')).toBe(Date.parse('2017-01-02T18:20:02Z'));
    expect(parseDsmrTimestamp('150701192959S', 'Europe/Amsterdam')).toBe(Date.parse('2015-07-01T17:29:59Z'));
    expect(parseDsmrTimestamp('150701190000s', 'Europe/Amsterdam')).toBe(Date.parse('2015-07-01T17:00:00Z'));
    expect(parseDsmrTimestamp('230702120000S', 'Europe/Dublin')).toBe(Date.parse('2023-07-02T11:00:00Z'));
    expect(parseDsmrTimestamp('230102120000W', 'Europe/Dublin')).toBe(Date.parse('2023-01-02T12:00:00Z'));
  });

  it('refuses impossible dates instead of rolling them over', () => {
    for (const s of ['632525252525S', '230230120000W', '231301000000W', '230101240000W', '2301011200W', '230101120000X', '']) {
      expect(parseDsmrTimestamp(s, 'Europe/Amsterdam'), s).toBeUndefined();
    }
    expect(parseDsmrTimestamp('240229120000W', 'Europe/Amsterdam')).toBe(Date.parse('2024-02-29T11:00:00Z'));
  });

  it('uses the zone rules when there is no flag', () => {
    expect(parseDsmrTimestamp('161107190000', 'Europe/Amsterdam')).toBe(Date.parse('2016-11-07T18:00:00Z'));
    expect(parseDsmrTimestamp('160707190000', 'Europe/Amsterdam')).toBe(Date.parse('2016-07-07T17:00:00Z'));
  });

  it('formats every hour of a year back to the same instant', () => {
    const start = Date.UTC(2025, 0, 1);
    for (let h = 0; h < 366 * 24; h++) {
      const at = start + h * 3_600_000 + 1234_000;
      expect(parseDsmrTimestamp(formatDsmrTimestamp(at, 'Europe/Brussels'), 'Europe/Brussels')).toBe(at);
    }
  });
});
