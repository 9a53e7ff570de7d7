// Read planner: the cheapest set of read requests that covers the registers a device needs.
// Our own because no library plans against line time and forbidden ranges. A plan costs
// R·perRequest + W·perRegister (line-time.ts), so the dynamic program keeps, per prefix of the
// sorted spans and per request count R, the fewest words W; the answer is the best (R, W). That
// is exact: no float sums are compared before the final choice.
import { fail, ok, type Result } from '../../core/result.js';
import { planLineTimeMs, requestCost, type LineModel, type RequestCost } from './line-time.js';
import { MAX_READ_REGISTERS, type ReadFunctionCode } from './pdu.js';
import { registerWords, type DeviceDefinition, type DeviceLimits, type PollGroup } from './registers.js';

export interface Span {
  functionCode: ReadFunctionCode;
  address: number;
  words: number;
  /** Register names, carried into the plan for the decoder and the docs. */
  names?: readonly string[];
}

export interface PlannedRead {
  functionCode: ReadFunctionCode;
  address: number;
  quantity: number;
  names: string[];
}

export interface ReadPlan {
  requests: PlannedRead[];
  /** Registers read, gaps included. */
  wordsRead: number;
  /** Registers asked for. */
  wordsNeeded: number;
  predictedLineTimeMs: number;
}

export type PlanErrorKind = 'span-too-long' | 'span-forbidden' | 'span-out-of-range';

interface Item {
  start: number;
  end: number;
  names: string[];
}

/** Sorts and merges overlapping spans of one function code (a read cannot split a value). */
function items(spans: Span[]): Item[] {
  const sorted = [...spans].sort((a, b) => a.address - b.address || b.words - a.words);
  const out: Item[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.address < last.end) {
      last.end = Math.max(last.end, s.address + s.words);
      last.names.push(...(s.names ?? []));
    } else out.push({ start: s.address, end: s.address + s.words, names: [...(s.names ?? [])] });
  }
  return out;
}

interface Front {
  /** minWords[r]: fewest words covering all items with r requests (Infinity when impossible). */
  minWords: number[];
  /** The groups achieving minWords[r], as [first, last] item indices. */
  groups: Array<Array<[number, number]>>;
}

function allowedFor(fc: ReadFunctionCode, limits: DeviceLimits): (start: number, end: number) => boolean {
  const max = Math.min(limits.maxRegistersPerRequest, MAX_READ_REGISTERS);
  const forbidden = limits.forbidden.filter((f) => f.functionCode === fc);
  return (start, end) => end - start <= max && forbidden.every((f) => end <= f.start || start >= f.end);
}

/** Cost of the best plan by a plain scalar DP: only used to bound the request count below. */
function scalarOptimum(list: Item[], fc: ReadFunctionCode, limits: DeviceLimits, cost: RequestCost): number {
  const max = Math.min(limits.maxRegistersPerRequest, MAX_READ_REGISTERS);
  const allowed = allowedFor(fc, limits);
  const dp = new Array<number>(list.length + 1).fill(Infinity);
  dp[0] = 0;
  for (let j = 1; j <= list.length; j++) {
    const end = list[j - 1]!.end;
    for (let i = j; i >= 1 && end - list[i - 1]!.start <= max; i--) {
      const start = list[i - 1]!.start;
      if (allowed(start, end)) dp[j] = Math.min(dp[j]!, dp[i - 1]! + cost.perRequestMs + (end - start) * cost.perRegisterMs);
    }
  }
  return dp[list.length]!;
}

function frontFor(list: Item[], fc: ReadFunctionCode, limits: DeviceLimits, rMax: number): Front {
  const n = list.length;
  const max = Math.min(limits.maxRegistersPerRequest, MAX_READ_REGISTERS);
  const allowed = allowedFor(fc, limits);
  const cols = Math.min(n, rMax) + 1;
  // best[j][r]: fewest words covering items [0, j) with r requests; from[j][r]: start of the last group.
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(cols).fill(Infinity));
  const from: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(cols).fill(-1));
  best[0]![0] = 0;
  for (let j = 1; j <= n; j++) {
    const end = list[j - 1]!.end;
    for (let i = j; i >= 1; i--) {
      const start = list[i - 1]!.start;
      if (end - start > max) break;
      if (!allowed(start, end)) continue;
      const len = end - start;
      // Items [0, i-1) need at most i-1 requests, so r never exceeds i.
      for (let r = 1; r <= i && r < cols; r++) {
        const prev = best[i - 1]![r - 1]!;
        if (prev === Infinity) continue;
        if (prev + len < best[j]![r]!) {
          best[j]![r] = prev + len;
          from[j]![r] = i - 1;
        }
      }
    }
  }
  const groups: Array<Array<[number, number]>> = [];
  for (let r = 0; r < cols; r++) {
    const g: Array<[number, number]> = [];
    if (best[n]![r]! < Infinity) {
      let j = n;
      for (let k = r; k > 0; k--) {
        const i = from[j]![k]!;
        g.unshift([i, j - 1]);
        j = i;
      }
    }
    groups.push(g);
  }
  return { minWords: best[n]!, groups };
}

/** Plans reads of `spans` under `limits`, optimal for `line`'s cost model. */
export function planSpans(spans: readonly Span[], limits: DeviceLimits, line: LineModel): Result<ReadPlan, PlanErrorKind> {
  const max = Math.min(limits.maxRegistersPerRequest, MAX_READ_REGISTERS);
  const cost = requestCost(line);
  const fronts: Array<{ fc: ReadFunctionCode; list: Item[]; front: Front }> = [];
  const lists: Array<{ fc: ReadFunctionCode; list: Item[] }> = [];
  let wordsNeeded = 0;
  for (const fc of [3, 4] as const) {
    const list = items(spans.filter((s) => s.functionCode === fc));
    for (const it of list) {
      const what = `${fc === 3 ? 'holding' : 'input'} ${it.start}..${it.end - 1} (${it.names.join(', ')})`;
      if (it.start < 0 || it.end > 0x10000) return fail('span-out-of-range', `${what} is outside 0..65535`);
      if (it.end - it.start > max) return fail('span-too-long', `${what} is longer than ${max} registers`);
      if (limits.forbidden.some((f) => f.functionCode === fc && it.start < f.end && it.end > f.start))
        return fail('span-forbidden', `${what} touches a forbidden range`);
      wordsNeeded += it.end - it.start;
    }
    if (list.length > 0) lists.push({ fc, list });
  }
  // No optimal plan makes more requests than the best plan's cost buys at perRequestMs each,
  // so a scalar DP bounds the request counts the exact DP has to track (+1 absorbs rounding).
  const scalar = lists.reduce((sum, { fc, list }) => sum + scalarOptimum(list, fc, limits, cost), 0);
  const rMax = cost.perRequestMs > 0 && Number.isFinite(scalar) ? Math.floor(scalar / cost.perRequestMs) + 1 : Infinity;
  for (const { fc, list } of lists) fronts.push({ fc, list, front: frontFor(list, fc, limits, rMax) });
  // Combine the function codes: fewest words for each total request count, then the cheapest.
  let combined: Array<{ words: number; picks: number[] }> = [{ words: 0, picks: [] }];
  for (const { front } of fronts) {
    const next: Array<{ words: number; picks: number[] }> = [];
    combined.forEach((c, r0) => {
      front.minWords.forEach((w, r1) => {
        if (w === Infinity || c.words === Infinity) return;
        const r = r0 + r1;
        if (next[r] === undefined || c.words + w < next[r]!.words) next[r] = { words: c.words + w, picks: [...c.picks, r1] };
      });
    });
    combined = next;
  }
  let bestR = -1;
  let bestTime = Infinity;
  combined.forEach((c, r) => {
    if (c === undefined) return;
    const t = planLineTimeMs(cost, r, c.words);
    if (t < bestTime) {
      bestTime = t;
      bestR = r;
    }
  });
  const requests: PlannedRead[] = [];
  const chosen = combined[bestR]!;
  fronts.forEach(({ fc, list, front }, k) => {
    for (const [i, j] of front.groups[chosen.picks[k]!]!) {
      const start = list[i]!.start;
      requests.push({ functionCode: fc, address: start, quantity: list[j]!.end - start, names: list.slice(i, j + 1).flatMap((x) => x.names) });
    }
  });
  return ok({ requests, wordsRead: chosen.words, wordsNeeded, predictedLineTimeMs: fronts.length === 0 ? 0 : bestTime });
}

export interface PlanOptions {
  line: LineModel;
  /** Poll groups to read; default fast and slow. */
  groups?: readonly PollGroup[];
  /** Read exactly these registers (by name) instead of whole groups. */
  registers?: readonly string[];
}

/** The spans a device read needs, with the scale-factor and sign-flag registers its values depend on. Throws on an unknown register name. */
export function spansFor(def: DeviceDefinition, options: Omit<PlanOptions, 'line'> = {}): Span[] {
  const groups = options.groups ?? ['fast', 'slow'];
  const wanted = new Set(
    options.registers ?? def.registers.filter((r) => groups.includes(r.poll)).map((r) => r.name),
  );
  for (const name of options.registers ?? []) {
    if (!def.registers.some((r) => r.name === name)) throw new Error(`${def.id}: no register named '${name}'`);
  }
  for (const r of def.registers) {
    if (wanted.has(r.name) && r.scaleFactor) wanted.add(r.scaleFactor);
    if (wanted.has(r.name) && r.signFrom) wanted.add(r.signFrom.register);
    if (wanted.has(r.name) && r.opposite) wanted.add(r.opposite);
  }
  return def.registers
    .filter((r) => wanted.has(r.name))
    .map((r) => ({ functionCode: r.functionCode, address: r.address, words: registerWords(r), names: [r.name] }));
}

/**
 * Plans a device read. Throws when the definition cannot be read within its own limits, which
 * validateDefinition reports at start-up.
 */
export function planReads(def: DeviceDefinition, options: PlanOptions): ReadPlan {
  const plan = planSpans(spansFor(def, options), def.limits, options.line);
  if (!plan.ok) throw new Error(`${def.id}: ${plan.error.detail}`);
  return plan.value;
}

/** The naive plan, one request per register, for comparison in benchmarks and docs. */
export function onePerRegisterLineTimeMs(spans: readonly Span[], line: LineModel): number {
  const words = spans.reduce((n, s) => n + s.words, 0);
  return planLineTimeMs(requestCost(line), spans.length, words);
}

export { decodeDeviceRegisters } from './device-decode.js';
