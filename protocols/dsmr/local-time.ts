// DSMR timestamps are local wall-clock time, YYMMDDhhmmss plus 'S' (summer) or 'W' (winter).
// The flag, not a tz rule, decides the offset, so the repeated autumn hour stays unambiguous:
// UTC = wall clock − (the zone's standard offset + 1 h when 'S'). Offsets come from Intl
// (Node ships full ICU), so any IANA zone works: Europe/Amsterdam, Europe/Brussels, Europe/Dublin.

const formatters = new Map<string, Intl.DateTimeFormat>();
const standardOffsets = new Map<string, number>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    // Throws RangeError for an unknown zone: a configuration error, not bad input.
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

const offsets = new Map<string, number>();
const QUARTER_HOUR_MS = 900_000;

/** UTC offset of `zone` at the instant `utcMs`, in minutes (CEST → 120). */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  // Intl is slow (tens of µs); offsets only change on quarter hours, so remember them per quarter.
  const key = `${zone}|${Math.floor(utcMs / QUARTER_HOUR_MS)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  if (offsets.size > 50_000) offsets.clear();
  const v = intlOffsetMinutes(zone, utcMs);
  offsets.set(key, v);
  return v;
}

function intlOffsetMinutes(zone: string, utcMs: number): number {
  const name = formatter(zone)
    .formatToParts(utcMs)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!m) return 0; // 'GMT' alone: offset zero
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** The zone's standard (winter) offset in `year`: the smaller of its January and July offsets. */
export function standardOffsetMinutes(zone: string, year: number): number {
  const key = `${zone}|${year}`;
  let v = standardOffsets.get(key);
  if (v === undefined) {
    v = Math.min(zoneOffsetMinutes(zone, Date.UTC(year, 0, 1)), zoneOffsetMinutes(zone, Date.UTC(year, 6, 1)));
    standardOffsets.set(key, v);
  }
  return v;
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
