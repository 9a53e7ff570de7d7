import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTERVAL_MS,
  intervalName,
  intervalStart,
  intervalStartsBetween,
  intervalsOfLocalDay,
  localMidnight,
  nextIntervalStart,
} from '../../core/intervals.js';
import { zoneOffsetMs } from '../../core/time-zone.js';

describe('market intervals', () => {
  it('aligns 15-minute intervals to UTC quarter hours', () => {
    const at = Date.UTC(2026, 10, 21, 13, 7, 42, 123);
    expect(intervalName(intervalStart(at))).toBe('2026-11-21T13:00:00.000Z');
    expect(intervalName(nextIntervalStart(at))).toBe('2026-11-21T13:15:00.000Z');
    expect(intervalStart(Date.UTC(2026, 10, 21, 13, 15))).toBe(Date.UTC(2026, 10, 21, 13, 15));
  });

  it('supports a configurable length that divides the day and refuses one that does not', () => {
    const at = Date.UTC(2026, 10, 21, 13, 7);
    expect(intervalStart(at, 5 * 60_000)).toBe(Date.UTC(2026, 10, 21, 13, 5));
    expect(intervalStart(at, 60 * 60_000)).toBe(Date.UTC(2026, 10, 21, 13, 0));
    expect(() => intervalStart(at, 7 * 60_000)).toThrow(/divide a day/);
  });

  it('lists the intervals that start in a range', () => {
    const from = Date.UTC(2026, 0, 1, 0, 10);
    const to = Date.UTC(2026, 0, 1, 1, 0);
    expect(intervalStartsBetween(from, to).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['00:15', '00:30', '00:45']);
  });

  it('knows the Oslo offset in winter and summer', () => {
    expect(zoneOffsetMs('Europe/Oslo', Date.UTC(2026, 0, 15))).toBe(3_600_000);
    expect(zoneOffsetMs('Europe/Oslo', Date.UTC(2026, 6, 15))).toBe(7_200_000);
  });

  it('gives 96 intervals on a normal local day', () => {
    const day = intervalsOfLocalDay('2026-11-21', 'Europe/Oslo');
    expect(day).toHaveLength(96);
    expect(intervalName(day[0] as number)).toBe('2026-11-20T23:00:00.000Z');
  });

  it('gives 92 intervals on the spring-forward day, still aligned to UTC quarter hours', () => {
    // 29 March 2026: Oslo clocks jump from 02:00 to 03:00.
    const day = intervalsOfLocalDay('2026-03-29', 'Europe/Oslo');
    expect(day).toHaveLength(92);
    expect(intervalName(day[0] as number)).toBe('2026-03-28T23:00:00.000Z');
    expect(intervalName(day[day.length - 1] as number)).toBe('2026-03-29T21:45:00.000Z');
    for (let i = 1; i < day.length; i++) expect((day[i] as number) - (day[i - 1] as number)).toBe(DEFAULT_INTERVAL_MS);
  });

  it('gives 100 intervals on the fall-back day', () => {
    // 25 October 2026: Oslo clocks go back from 03:00 to 02:00.
    const day = intervalsOfLocalDay('2026-10-25', 'Europe/Oslo');
    expect(day).toHaveLength(100);
    expect(intervalName(day[0] as number)).toBe('2026-10-24T22:00:00.000Z');
    expect(localMidnight('2026-10-26', 'Europe/Oslo')).toBe(Date.UTC(2026, 9, 25, 23, 0));
  });

  it('names the same interval on gateways in different time zones', () => {
    const at = Date.UTC(2026, 6, 1, 12, 44, 59);
    const startUtc = intervalStart(at);
    // The interval does not depend on any zone; a zone only shifts how the instant is shown.
    expect(intervalStart(at + 0)).toBe(startUtc);
    expect(intervalName(startUtc)).toBe('2026-07-01T12:30:00.000Z');
  });
});
