// Register dumps pasted by installers: `address value` lines (decimal or 0x-hex; more values
// after the address fill the following registers), or JSON ({"40000": 21365, …} or
// [[40000, 21365], …]). Pure: text in, a sparse register map out.
import { fail, ok, type Result } from '../../core/result.js';

export type DumpErrorKind = 'empty' | 'syntax' | 'out-of-range' | 'conflict';

const MAX_LINES = 200_000;

function parseNumber(token: unknown): number | undefined {
  if (typeof token === 'number') return Number.isInteger(token) ? token : undefined;
  if (typeof token !== 'string') return undefined;
  const t = token.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^-?\d{1,10}$/.test(t)) return Number(t);
  return undefined;
}

class Collector {
  readonly registers = new Map<number, number>();

  add(address: number | undefined, value: number | undefined, where: string): Result<true, DumpErrorKind> {
    if (address === undefined || value === undefined) return fail('syntax', `${where}: expected an address and a value (decimal or 0x-hex)`);
    if (address < 0 || address > 0xffff) return fail('out-of-range', `${where}: address ${address} is outside 0..65535`);
    if (value < -0x8000 || value > 0xffff) return fail('out-of-range', `${where}: value ${value} does not fit a 16-bit register`);
    const word = value & 0xffff;
    const before = this.registers.get(address);
    if (before !== undefined && before !== word) return fail('conflict', `${where}: register ${address} given twice (${before} and ${word})`);
    this.registers.set(address, word);
    return ok(true);
  }
}

export function parseRegisterDump(text: string): Result<Map<number, number>, DumpErrorKind> {
  const trimmed = text.trim();
  if (trimmed.length === 0) return fail('empty', 'the dump is empty');
  const c = new Collector();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      return fail('syntax', `not valid JSON: ${(err as Error).message}`);
    }
    const pairs: Array<[unknown, unknown]> = Array.isArray(json)
      ? json.map((p): [unknown, unknown] => (Array.isArray(p) && p.length === 2 ? [p[0], p[1]] : [undefined, undefined]))
      : Object.entries(json as Record<string, unknown>);
    for (const [i, [a, v]] of pairs.entries()) {
      const r = c.add(parseNumber(a), parseNumber(v), `entry ${i + 1}`);
      if (!r.ok) return r;
    }
  } else {
    const lines = trimmed.split(/\r?\n/);
    if (lines.length > MAX_LINES) return fail('out-of-range', `${lines.length} lines is more than any register dump (${MAX_LINES})`);
    for (const [i, line] of lines.entries()) {
      const content = line.replace(/(#|\/\/).*$/, '').trim();
      if (content.length === 0) continue;
      const tokens = content.split(/[\s,:;=]+/).filter((t) => t.length > 0);
      const address = parseNumber(tokens[0]);
      if (tokens.length < 2) return fail('syntax', `line ${i + 1}: '${content}' needs an address and a value`);
      for (let k = 1; k < tokens.length; k++) {
        const r = c.add(address === undefined ? undefined : address + k - 1, parseNumber(tokens[k]), `line ${i + 1}`);
        if (!r.ok) return r;
      }
    }
  }
  if (c.registers.size === 0) return fail('empty', 'the dump holds no registers');
  return ok(c.registers);
}
