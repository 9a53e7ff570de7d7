import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planLineTimeMs, requestCost, requestTimeMs, rtuLine, tcpLine, type LineModel } from '../../../protocols/modbus/line-time.js';
import { planReads, planSpans, type Span } from '../../../protocols/modbus/planner.js';
import type { ForbiddenRange } from '../../../protocols/modbus/registers.js';
import { bruteForceOptimumMs, bruteForceTime } from './brute-force.js';

/** Non-overlapping spans (registers never overlap in a definition) on a small address range. */
const caseArb = fc
  .record({
    max: fc.integer({ min: 2, max: 8 }),
    layout: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 6 }), words: fc.integer({ min: 1, max: 4 }), fc: fc.constantFrom(3 as const, 4 as const) }), { minLength: 1, maxLength: 7 }),
    forbidden: fc.array(fc.record({ start: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 1, max: 3 }), fc: fc.constantFrom(3 as const, 4 as const) }), { maxLength: 2 }),
    line: fc.oneof(
      fc.record({ baud: fc.constantFrom(1200, 2400, 9600, 19200, 38400, 115200), framing: fc.constantFrom('8N1' as const, '8E1' as const), turn: fc.integer({ min: 0, max: 50 }) }).map((l) => rtuLine(l.baud, l.framing, l.turn)),
      fc.record({ rtt: fc.double({ min: 0.01, max: 40, noNaN: true }), bpm: fc.double({ min: 0.5, max: 2000, noNaN: true }) }).map((l) => tcpLine(l.rtt, l.bpm)),
    ),
  })
  .map(({ max, layout, forbidden, line }) => {
    const next = { 3: 0, 4: 0 };
    const spans: Span[] = layout.map((l) => {
      const address = next[l.fc] + l.gap;
      next[l.fc] = address + Math.min(l.words, max);
      return { functionCode: l.fc, address, words: Math.min(l.words, max), names: [`r${address}`] };
    });
    const forbid: ForbiddenRange[] = forbidden
      .map((f) => ({ functionCode: f.fc, start: f.start, end: f.start + f.len }))
      .filter((f) => !spans.some((s) => s.functionCode === f.functionCode && s.address < f.end && s.address + s.words > f.start));
    return { spans, limits: { maxRegistersPerRequest: max, forbidden: forbid }, line };
  });

describe('read planner', () => {
  it('finds exactly the brute-force optimum on many small random cases', () => {
    let compared = 0;
    fc.assert(
      fc.property(caseArb, ({ spans, limits, line }) => {
        const plan = planSpans(spans, limits, line);
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        const best = bruteForceOptimumMs(spans, limits, line);
        expect(plan.value.predictedLineTimeMs).toBe(best);
        compared++;
      }),
      { numRuns: 400, seed: 20261121 },
    );
    expect(compared).toBe(400);
  });

  it('returns plans that cover every span, respect the limit and avoid forbidden ranges', () => {
    fc.assert(
      fc.property(caseArb, ({ spans, limits, line }) => {
        const plan = planSpans(spans, limits, line);
        if (!plan.ok) throw new Error(plan.error.detail);
        for (const r of plan.value.requests) {
          expect(r.quantity).toBeLessThanOrEqual(limits.maxRegistersPerRequest);
          for (const f of limits.forbidden) if (f.functionCode === r.functionCode) expect(r.address + r.quantity <= f.start || r.address >= f.end).toBe(true);
        }
        for (const s of spans) {
          expect(plan.value.requests.some((r) => r.functionCode === s.functionCode && r.address <= s.address && r.address + r.quantity >= s.address + s.words)).toBe(true);
        }
        const words = plan.value.requests.reduce((n, r) => n + r.quantity, 0);
        expect(plan.value.wordsRead).toBe(words);
        expect(plan.value.predictedLineTimeMs).toBe(planLineTimeMs(requestCost(line), plan.value.requests.length, words));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a brute force that searches a single function code directly', () => {
    const spans: Span[] = [0, 4, 10, 11, 30].map((a) => ({ functionCode: 4, address: a, words: 2 }));
    const limits = { maxRegistersPerRequest: 125, forbidden: [] };
    const line = rtuLine(9600, '8N1', 10);
    const plan = planSpans(spans, limits, line);
    expect(plan.ok && plan.value.predictedLineTimeMs).toBe(bruteForceTime(spans, limits, line));
  });

  it('reads across a small gap but not a large one at 9600 baud', () => {
    const line = rtuLine(9600, '8N1', 0);
    const limits = { maxRegistersPerRequest: 125, forbidden: [] };
    const near = planSpans([{ functionCode: 4, address: 0, words: 2 }, { functionCode: 4, address: 6, words: 2 }], limits, line);
    expect(near.ok && near.value.requests.length).toBe(1);
    // Each request costs 13 chars + 7 chars of silence = 20 chars = 10 registers: a 40-word gap does not pay.
    const far = planSpans([{ functionCode: 4, address: 0, words: 2 }, { functionCode: 4, address: 42, words: 2 }], limits, line);
    expect(far.ok && far.value.requests.length).toBe(2);
  });

  it('splits around a forbidden range even when reading through would be cheaper', () => {
    const line = rtuLine(9600, '8N1', 20);
    const plan = planSpans(
      [{ functionCode: 3, address: 0, words: 2 }, { functionCode: 3, address: 4, words: 2 }],
      { maxRegistersPerRequest: 125, forbidden: [{ functionCode: 3, start: 2, end: 3 }] },
      line,
    );
    expect(plan.ok && plan.value.requests.map((r) => [r.address, r.quantity])).toEqual([[0, 2], [4, 2]]);
  });

  it('honours a device limit below 125 registers', () => {
    const spans: Span[] = Array.from({ length: 40 }, (_, i) => ({ functionCode: 4, address: 2 * i, words: 2 }));
    const plan = planSpans(spans, { maxRegistersPerRequest: 30, forbidden: [] }, rtuLine(9600));
    expect(plan.ok && plan.value.requests.map((r) => r.quantity)).toEqual([30, 30, 20]);
  });

  it('rejects a span longer than the limit or inside a forbidden range', () => {
    const long = planSpans([{ functionCode: 3, address: 0, words: 10 }], { maxRegistersPerRequest: 8, forbidden: [] }, rtuLine(9600));
    expect(!long.ok && long.error.kind).toBe('span-too-long');
    const forbidden = planSpans([{ functionCode: 3, address: 0, words: 2 }], { maxRegistersPerRequest: 8, forbidden: [{ functionCode: 3, start: 1, end: 2 }] }, rtuLine(9600));
    expect(!forbidden.ok && forbidden.error.kind).toBe('span-forbidden');
  });

  it('costs an RTU read of n registers as 13 + 2n characters, two 3.5-character silences and the turnaround', () => {
    const charMs = 10 / 9.6;
    expect(requestTimeMs(rtuLine(9600, '8N1', 5), 2)).toBeCloseTo((13 + 4 + 7) * charMs + 5, 9);
    expect(requestTimeMs(rtuLine(9600, '8E1', 0), 1)).toBeCloseTo((15 + 7) * (11 / 9.6), 9);
    // Above 19200 baud the silence is fixed at 1.75 ms.
    expect(requestTimeMs(rtuLine(115200, '8N1', 0), 1)).toBeCloseTo(15 * (10 / 115.2) + 3.5, 9);
    expect(requestTimeMs(tcpLine(2, 100), 10)).toBeCloseTo(2 + (21 + 20) / 100, 9);
  });
});

describe('planning a device read', () => {
  const def = {
    id: 'test-device', manufacturer: 'Test', model: 'T', description: '', source: { document: 'none', version: '0' }, transports: ['tcp'] as const,
    limits: { maxRegistersPerRequest: 125, forbidden: [] },
    registers: [
      { name: 'power', address: 10, functionCode: 3 as const, type: 'i16' as const, scaleFactor: 'powerSf', poll: 'fast' as const },
      { name: 'powerSf', address: 30, functionCode: 3 as const, type: 'i16' as const, poll: 'slow' as const },
      { name: 'serial', address: 100, functionCode: 3 as const, type: 'string' as const, words: 4, poll: 'identity' as const },
    ],
  };

  it('reads the scale factor a value depends on even when it sits in another poll group', () => {
    const plan = planReads(def, { line: rtuLine(9600), groups: ['fast'] });
    expect(plan.requests.flatMap((r) => r.names).sort()).toEqual(['power', 'powerSf']);
  });

  it('refuses an unknown register name instead of silently reading nothing', () => {
    expect(() => planReads(def, { line: rtuLine(9600), registers: ['nope'] })).toThrow(/no register named 'nope'/);
  });
});
