// The body of a P1 telegram: one COSEM object per line, `A-B:C.D.E(value)(value)…`, where a
// value is text or `number*unit`. DSMR 2.2/3.0 put the gas reading of `0-n:24.3.0` on a
// continuation line that starts with '(' — it belongs to the object above it.
import { isDecimal, parseDecimal } from '../iec62056-21/decimal.js';

export interface P1Value {
  /** Exactly as printed between the brackets. */
  text: string;
  /** The printed number (in the printed unit) when the value is a plain decimal of ≤ 15 digits. */
  number?: number;
  unit?: string;
}

export interface P1Object {
  /** `A-B:C.D.E`, e.g. '1-0:1.8.1'. */
  obis: string;
  values: P1Value[];
}

const OBJECT_LINE = /^(\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3})((?:\([^()]*\))+)$/;
const CONTINUATION = /^(?:\([^()]*\))+$/;
const UNIT = /^[A-Za-z0-9]{1,8}$/;

function parseValue(text: string): P1Value {
  const star = text.lastIndexOf('*');
  if (star > 0) {
    const num = text.slice(0, star);
    const unit = text.slice(star + 1);
    if (isDecimal(num) && UNIT.test(unit)) return { text, number: parseDecimal(num) as number, unit };
  }
  if (isDecimal(text) && text.replace(/[^0-9]/g, '').length <= 15) return { text, number: parseDecimal(text) as number };
  return { text };
}

function parseGroups(groups: string): P1Value[] {
  // `(a)(b)(c)` → ['a', 'b', 'c']; the regex guarantees no brackets inside a group.
  return groups
    .slice(1, -1)
    .split(')(')
    .map(parseValue);
}

export type LineProblem = { line: number; text: string };

/**
 * Parses the object lines of a telegram body (between the header line and the '!' line).
 * Empty lines are skipped; any other line that is not an object or a continuation is a problem.
 */
export function parseObjectLines(lines: string[], firstLineNumber: number): P1Object[] | LineProblem {
  const objects: P1Object[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const m = OBJECT_LINE.exec(line);
    if (m) {
      objects.push({ obis: m[1] as string, values: parseGroups(m[2] as string) });
      continue;
    }
    const last = objects[objects.length - 1];
    if (last !== undefined && CONTINUATION.test(line)) {
      last.values.push(...parseGroups(line));
      continue;
    }
    return { line: firstLineNumber + i, text: line.length > 60 ? `${line.slice(0, 60)}…` : line };
  }
  return objects;
}

/** Decodes hex-encoded ASCII (equipment ids, text messages) when it is printable; else the text itself. */
export function hexToAscii(text: string): string {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 2) {
    const c = parseInt(text.slice(i, i + 2), 16);
    if (c < 0x20 || c > 0x7e) return text;
    out += String.fromCharCode(c);
  }
  return out;
}

/** Encodes ASCII as the upper-case hex DSMR uses for ids and text messages. */
export function asciiToHex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += (text.charCodeAt(i) & 0xff).toString(16).padStart(2, '0').toUpperCase();
  return out;
}
