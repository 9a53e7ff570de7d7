// Meter clocks to UTC: local time with DST (Aidon, Kaifa), standard time all year (Kamstrup),
// a specified deviation trusted, malformed dates rejected.
import { describe, expect, it } from 'vitest';
import { cosemToUtcMs, encodeCosemDateTime, parseCosemDateTime, utcToWallClockMs, wallClockToUtcMs } from '../../../protocols/han/cosem-datetime.js';

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const iso = (ms: number): string => new Date(ms).toISOString();

describe('COSEM date-time', () => {
  it('reads local Oslo time with DST in summer and without in winter', () => {
    const summer = parseCosemDateTime(h('07E60A0F06140000FF800000'));
    const winter = parseCosemDateTime(h('07E50B1904170037FF800000'));
    if (!summer.ok || !winter.ok) throw new Error('parse');
    expect(iso(cosemToUtcMs(summer.value, 'Europe/Oslo', 'local'))).toBe('2022-10-15T18:00:00.000Z');
    expect(iso(cosemToUtcMs(winter.value, 'Europe/Oslo', 'local'))).toBe('2021-11-25T22:00:55.000Z');
  });

  it('reads Kamstrup standard time: one hour off UTC in summer too', () => {
    const dt = parseCosemDateTime(h('07E80701010B0000FF800000'));
    if (!dt.ok) throw new Error('parse');
    expect(iso(cosemToUtcMs(dt.value, 'Europe/Oslo', 'standard'))).toBe('2024-07-01T10:00:00.000Z');
    expect(iso(cosemToUtcMs(dt.value, 'Europe/Oslo', 'local'))).toBe('2024-07-01T09:00:00.000Z');
  });

  it('trusts a specified deviation (UTC = local + deviation)', () => {
    const dt = parseCosemDateTime(h('07E5091B01092F0F00FF8880'));
    if (!dt.ok) throw new Error('parse');
    expect(dt.value.deviationMin).toBe(-120);
    expect(iso(cosemToUtcMs(dt.value, 'America/New_York', 'local'))).toBe('2021-09-27T07:47:15.000Z');
  });

  it('maps the spring gap to the time before the change and round-trips every hour of a DST day', () => {
    expect(iso(wallClockToUtcMs(Date.UTC(2024, 2, 31, 2, 30), 'Europe/Oslo', 'local'))).toBe('2024-03-31T01:30:00.000Z');
    for (let t = Date.UTC(2024, 2, 30, 20); t < Date.UTC(2024, 2, 31, 6); t += 15 * 60_000) {
      expect(wallClockToUtcMs(utcToWallClockMs(t, 'Europe/Oslo', 'local'), 'Europe/Oslo', 'local')).toBe(t);
    }
  });

  it('rejects impossible dates and encodes the weekday', () => {
    expect(parseCosemDateTime(h('07E6020E06140000FF800000')).ok).toBe(true);
    expect(parseCosemDateTime(h('07E6021E06140000FF800000')).ok).toBe(false); // 30 February
    expect(parseCosemDateTime(h('07E60D0106140000FF800000')).ok).toBe(false); // month 13
    expect(parseCosemDateTime(h('FFFF0101FF000000FF800000')).ok).toBe(false);
    expect(parseCosemDateTime(h('07E601')).ok).toBe(false);
    expect(Buffer.from(encodeCosemDateTime(Date.UTC(2022, 9, 16, 21, 0, 18))).toString('hex')).toBe('07e60a1007150012ff800000');
  });
});
