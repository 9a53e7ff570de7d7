// Norwegian wall-clock time (CET with EU summer time) computed arithmetically: load profiles
// ask for it every simulated second, and Intl is far too slow for that.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** 01:00 UTC on the last Sunday of a month: when EU summer time starts or ends. */
function lastSundayOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

export interface LocalTime {
  /** Hour of the local day, fractional (0 ≤ h < 24). */
  hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Local calendar day count since 1970-01-01, for per-day seeded choices. */
  dayNumber: number;
}

const dstCache = new Map<number, [number, number]>();

export function isEuSummerTime(atMs: number): boolean {
  const year = new Date(atMs).getUTCFullYear();
  let span = dstCache.get(year);
  if (!span) {
    span = [lastSundayOneUtc(year, 2), lastSundayOneUtc(year, 9)];
    dstCache.set(year, span);
  }
  return atMs >= span[0] && atMs < span[1];
}

/** Local time in Norway (UTC+1, UTC+2 in summer). */
export function norwegianLocalTime(atMs: number): LocalTime {
  const offsetMs = (isEuSummerTime(atMs) ? 2 : 1) * HOUR_MS;
  const local = atMs + offsetMs;
  const dayNumber = Math.floor(local / DAY_MS);
  const hour = (local - dayNumber * DAY_MS) / HOUR_MS;
  // 1970-01-01 was a Thursday (4).
  const weekday = (((dayNumber + 4) % 7) + 7) % 7;
  return { hour, weekday, dayNumber };
}
