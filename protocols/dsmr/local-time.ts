// DSMR timestamps are local wall-clock time, YYMMDDhhmmss plus 'S' (summer) or 'W' (winter).
// The flag, not a tz rule, decides the offset, so the repeated autumn hour stays unambiguous:
// UTC = wall clock − (the zone's standard offset + 1 h when 'S'). Offsets come from Intl
// (Node ships full ICU), so any IANA zone works: Europe/Amsterdam, Europe/Brussels, Europe/Dublin.
import { standardOffsetMs, zoneOffsetMs } from '../../core/time-zone.js';

/** UTC offset of `zone` at the instant `utcMs`, in minutes (CEST → 120). */
function zoneOffsetMinutes(zone: string, utcMs: number): number {
  return zoneOffsetMs(zone, utcMs) / 60_000;
}

function standardOffsetMinutes(zone: string, year: number): number {
  return standardOffsetMs(zone, year) / 60_000;
}

const STAMP = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([SWsw]?)$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses `YYMMDDhhmmss[S|W]` (lower-case flags too: some L+G meters send 's'). Without a flag
 * (DSMR 2.2/3.0 gas profile) the zone's rules decide. Returns undefined for an impossible date
 * (meters without a gas reading send '632525252525S').
 */
export function parseDsmrTimestamp(text: string, zone: string): number | undefined {
  const m = STAMP.exec(text);
  if (!m) return undefined;
  const year = 2000 + Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const flag = (m[7] ?? '').toUpperCase();
  if (flag !== '') {
    const offset = standardOffsetMinutes(zone, year) + (flag === 'S' ? 60 : 0);
    return wallMs - offset * 60_000;
  }
  let guess = wallMs - standardOffsetMinutes(zone, year) * 60_000;
  for (let i = 0; i < 2; i++) guess = wallMs - zoneOffsetMinutes(zone, guess) * 60_000;
  return guess;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Formats `utcMs` as the meter would: local wall clock of `zone`, with the S/W flag if asked. */
export function formatDsmrTimestamp(utcMs: number, zone: string, withFlag = true): string {
  const offset = zoneOffsetMinutes(zone, utcMs);
  const d = new Date(utcMs + offset * 60_000);
  const year = d.getUTCFullYear();
  const text =
    two(year % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds());
  if (!withFlag) return text;
  return text + (offset > standardOffsetMinutes(zone, year) ? 'S' : 'W');
}
