// Market-interval arithmetic. Intervals are aligned to UTC (the epoch), so every gateway names
// the same interval by the same start whatever its time zone, and daylight saving changes
// never shift or stretch an interval: a local day simply holds 92, 96 or 100 of them.
import { zoneOffsetMs } from './time-zone.js';

export const DEFAULT_INTERVAL_MS = 15 * 60 * 1000;

function checkLength(lengthMs: number): void {
  if (!Number.isInteger(lengthMs) || lengthMs <= 0) throw new Error(`interval length must be a positive integer of ms, got ${lengthMs}`);
  if (86_400_000 % lengthMs !== 0) throw new Error(`interval length must divide a day, got ${lengthMs} ms`);
}

/** Start of the interval that contains `atMs`. */
export function intervalStart(atMs: number, lengthMs: number = DEFAULT_INTERVAL_MS): number {
  checkLength(lengthMs);
  return Math.floor(atMs / lengthMs) * lengthMs;
}

export function intervalEnd(atMs: number, lengthMs: number = DEFAULT_INTERVAL_MS): number {
  return intervalStart(atMs, lengthMs) + lengthMs;
}

/** Start of the interval after the one that contains `atMs`. */
export function nextIntervalStart(atMs: number, lengthMs: number = DEFAULT_INTERVAL_MS): number {
  return intervalStart(atMs, lengthMs) + lengthMs;
}

/** Interval starts in [fromMs, toMs): every interval that begins in the range. */
export function intervalStartsBetween(fromMs: number, toMs: number, lengthMs: number = DEFAULT_INTERVAL_MS): number[] {
  checkLength(lengthMs);
  const out: number[] = [];
  let t = Math.ceil(fromMs / lengthMs) * lengthMs;
  for (; t < toMs; t += lengthMs) out.push(t);
  return out;
}

/** ISO 8601 UTC name of an interval, e.g. `2026-03-29T00:45:00.000Z`. */
export function intervalName(startMs: number): string {
  return new Date(startMs).toISOString();
}

/** The UTC instant of local midnight starting the calendar day `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(date: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`date must be YYYY-MM-DD, got ${date}`);
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Two passes settle the offset even when midnight is near a change.
  let guess = naive - zoneOffsetMs(timeZone, naive);
  guess = naive - zoneOffsetMs(timeZone, guess);
  return guess;
}

/** The market intervals of one local calendar day: 96 on a normal day, 92 or 100 on DST days. */
export function intervalsOfLocalDay(date: string, timeZone: string, lengthMs: number = DEFAULT_INTERVAL_MS): number[] {
  const start = localMidnight(date, timeZone);
  const next = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + 1));
  const end = localMidnight(next.toISOString().slice(0, 10), timeZone);
  return intervalStartsBetween(start, end, lengthMs);
}
