// COSEM date-time (12 bytes): year(2) month day weekday hour minute second hundredths
// deviation(int16, minutes UTC − local; 0x8000 = not specified) clock-status. Nordic HAN meters
// send their wall clock with the deviation unspecified (or 0), so turning it into UTC needs the
// meter's time zone: Aidon and Kaifa follow local time with DST, Kamstrup keeps local
// *standard* time all year (conformance README, amsreader test_kamstrup_timezone).
import { fail, ok, type Result } from '../../core/result.js';
import { standardOffsetMs, zoneOffsetMs } from '../../core/time-zone.js';

export interface CosemDateTime {
  year: number;
  month: number;
  day: number;
  /** 1 = Monday … 7 = Sunday, 0xFF not specified. */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  /** 0xFF when not specified. */
  hundredths: number;
  /** Minutes UTC − local, undefined when not specified (0x8000). */
  deviationMin?: number;
  clockStatus: number;
}

export type ClockMode = 'local' | 'standard';

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] as number);
}

export function parseCosemDateTime(b: Uint8Array): Result<CosemDateTime, 'datetime'> {
  if (b.length !== 12) return fail('datetime', `a date-time has 12 bytes, got ${b.length}`);
  const year = ((b[0] as number) << 8) | (b[1] as number);
  const dev = (((b[9] as number) << 8) | (b[10] as number)) << 16 >> 16;
  const dt: CosemDateTime = {
    year, month: b[2] as number, day: b[3] as number, weekday: b[4] as number, hour: b[5] as number,
    minute: b[6] as number, second: b[7] as number, hundredths: b[8] as number, clockStatus: b[11] as number,
  };
  if (dev !== -0x8000) dt.deviationMin = dev;
  if (year === 0xffff || year < 1970 || year > 2200) return fail('datetime', `year ${year} is not a calendar year`);
  if (dt.month < 1 || dt.month > 12) return fail('datetime', `month ${dt.month} out of range`);
  if (dt.day < 1 || dt.day > daysIn(year, dt.month)) return fail('datetime', `day ${dt.day} out of range for ${year}-${dt.month}`);
  if (dt.hour > 23 || dt.minute > 59 || dt.second > 59) return fail('datetime', `time ${dt.hour}:${dt.minute}:${dt.second} out of range`);
  if (dt.hundredths > 99 && dt.hundredths !== 0xff) return fail('datetime', `hundredths ${dt.hundredths} out of range`);
  if (dev !== -0x8000 && (dev < -840 || dev > 840)) return fail('datetime', `deviation ${dev} min out of range`);
  return ok(dt);
}

/** The wall clock as if it were UTC (epoch ms), hundredths included when given. */
export function wallAsUtcMs(dt: CosemDateTime): number {
  return Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second, dt.hundredths === 0xff ? 0 : dt.hundredths * 10);
}

/** Wall-clock ms (as if UTC) in `timeZone` → UTC epoch ms. In the repeated autumn hour the first pass wins. */
export function wallClockToUtcMs(wallMs: number, timeZone: string, mode: ClockMode): number {
  if (mode === 'standard') return wallMs - standardOffsetMs(timeZone, new Date(wallMs).getUTCFullYear());
  // Offsets a few hours either side cover both sides of a DST change; keep the readings that
  // are consistent, the earlier one when the hour repeats, the pre-change one in the spring gap.
  const before = zoneOffsetMs(timeZone, wallMs - 4 * 3_600_000);
  const after = zoneOffsetMs(timeZone, wallMs + 4 * 3_600_000);
  const valid = [wallMs - before, wallMs - after].filter((t) => zoneOffsetMs(timeZone, t) === wallMs - t);
  return valid.length > 0 ? Math.min(...valid) : wallMs - before;
}

/** UTC epoch ms → the wall clock (as if UTC) a meter in `timeZone` shows. */
export function utcToWallClockMs(utcMs: number, timeZone: string, mode: ClockMode): number {
  return utcMs + (mode === 'standard' ? standardOffsetMs(timeZone, new Date(utcMs).getUTCFullYear()) : zoneOffsetMs(timeZone, utcMs));
}

/**
 * The instant a meter clock stands for: a specified, non-zero deviation is trusted (UTC =
 * local + deviation); otherwise the wall clock is read in `timeZone`.
 */
export function cosemToUtcMs(dt: CosemDateTime, timeZone: string, mode: ClockMode): number {
  const wall = wallAsUtcMs(dt);
  if (dt.deviationMin !== undefined && dt.deviationMin !== 0) return wall + dt.deviationMin * 60_000;
  return wallClockToUtcMs(wall, timeZone, mode);
}

/** Encodes a wall clock as a meter sends it: deviation not specified, status as given. */
export function encodeCosemDateTime(wallMs: number, clockStatus = 0x00, deviationMin?: number): Uint8Array {
  const d = new Date(wallMs);
  const year = d.getUTCFullYear();
  const weekday = ((d.getUTCDay() + 6) % 7) + 1;
  const dev = deviationMin === undefined ? 0x8000 : deviationMin & 0xffff;
  return Uint8Array.from([year >> 8, year & 0xff, d.getUTCMonth() + 1, d.getUTCDate(), weekday, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0xff, dev >> 8, dev & 0xff, clockStatus]);
}

export function formatWallClock(dt: CosemDateTime): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(dt.year, 4)}-${p(dt.month)}-${p(dt.day)}T${p(dt.hour)}:${p(dt.minute)}:${p(dt.second)}`;
}
