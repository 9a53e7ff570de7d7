// Captures pasted by installers: hex dumps with any spacing, line prefixes such as offsets,
// 0x prefixes or separators, or raw bytes.
import { fail, ok, type Result } from '../core/result.js';

/**
 * Parses a hex dump: whitespace, ':', '-', ',' and '0x' prefixes are ignored, as are leading
 * offsets ending in ':' on each line (`0000: 7E A0 …`).
 */
export function parseHexDump(text: string): Result<Uint8Array, 'not-hex' | 'odd-length' | 'empty'> {
  const cleaned = text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*[0-9a-fA-F]{4,8}:\s+(?=[0-9a-fA-F]{2}(\s|$))/, ''))
    .join(' ')
    .replace(/0x/gi, '')
    .replace(/[\s:,\-]/g, '');
  if (cleaned.length === 0) return fail('empty', 'no hex digits');
  const bad = /[^0-9a-fA-F]/.exec(cleaned);
  if (bad) return fail('not-hex', `'${bad[0]}' is not a hex digit`);
  if (cleaned.length % 2 !== 0) return fail('odd-length', `${cleaned.length} hex digits is not a whole number of bytes`);
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(cleaned.slice(2 * i, 2 * i + 2), 16);
  return ok(out);
}

export function toHex(bytes: Uint8Array, separator = ''): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(separator);
}
