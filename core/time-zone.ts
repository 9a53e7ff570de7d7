// The one IANA time-zone offset function. Meters speak local wall-clock time (HAN, DSMR, IEC),
// market days are local days; offsets come from Intl (Node ships full ICU), so any zone works.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: a configuration error, not bad input.
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false; // RangeError from Intl: an unknown zone is an answer here, not a failure.
  }
}

const QUARTER_HOUR_MS = 900_000;
const offsetMemo = new Map<string, number>();

/** Offset of the zone's wall clock from UTC at instant `utcMs`, in ms (Oslo winter: +3 600 000). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  // Zone offsets change on quarter-hour boundaries, so one lookup per zone and quarter hour
  // serves every frame in it (Intl formatting is slow next to a decode).
  const bucket = Math.floor(utcMs / QUARTER_HOUR_MS);
  const key = `${timeZone}|${bucket}`;
  const hit = offsetMemo.get(key);
  if (hit !== undefined) return hit;
  const at = bucket * QUARTER_HOUR_MS;
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year as number, (p.month as number) - 1, p.day as number, p.hour as number, p.minute as number, p.second as number);
  if (offsetMemo.size > 50_000) offsetMemo.clear();
  offsetMemo.set(key, asUtc - at);
  return asUtc - at;
}

/** The zone's standard (winter) offset in a UTC year: the smaller of its January and July offsets. */
export function standardOffsetMs(timeZone: string, year: number): number {
  return Math.min(zoneOffsetMs(timeZone, Date.UTC(year, 0, 1)), zoneOffsetMs(timeZone, Date.UTC(year, 6, 1)));
}
