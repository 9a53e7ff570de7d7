import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createIecSplitter,
  createModeCSession,
  decodeAckOptionSelect,
  decodeCommand,
  decodeIdentification,
  decodeIecReadout,
  decodeSignOnRequest,
  IEC_ERROR_KINDS,
} from '../../../protocols/iec62056-21/index.js';
import { IEC_ENTRIES, bytesOf } from './iec-fixtures.js';

const SEEDS = IEC_ENTRIES.flatMap((e) => (e.raw_text !== undefined ? [bytesOf(e.raw_text)] : []));

const mutated = fc
  .tuple(
    fc.integer({ min: 0, max: SEEDS.length - 1 }),
    fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([i, edits]) => {
    const b = [...SEEDS[i]!];
    for (const [op, at, v] of edits) {
      const p = at % (b.length + 1);
      if (op === 'set' && p < b.length) b[p] = v;
      else if (op === 'insert') b.splice(p, 0, v);
      else b.splice(p, 1);
    }
    return Uint8Array.from(b);
  });

const pieces = fc
  .array(fc.constantFrom('/', '/?', '!', '(', ')', '*', '\r\n', '\x02', '\x03', '\x01', '\x04', '\x06', 'LGZ4', '1.8.0', 'kWh', '0.0', '123.4', 'R1', 'P0', ''), {
    maxLength: 60,
  })
  .map((p) => bytesOf(p.join('')));

describe('IEC 62056-21 decoders under random input', () => {
  it('never throw and fail only with known kinds', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, pieces, fc.uint8Array({ maxLength: 1500 })), (bytes) => {
        const r = decodeIecReadout(bytes);
        if (!r.ok) expect(IEC_ERROR_KINDS).toContain(r.error.kind);
        decodeCommand(bytes);
        decodeIdentification(bytes);
        decodeSignOnRequest(bytes);
        decodeAckOptionSelect(bytes);
        const s = createIecSplitter({ maxBufferBytes: 2048 });
        for (const f of [...s.push(bytes), ...s.end()]) decodeIecReadout(f);
        expect(s.buffered).toBeLessThanOrEqual(2048);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a session in a known state whatever the meter sends', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(mutated, pieces), { maxLength: 4 }), (chunks) => {
        const s = createModeCSession({ maxBytes: 4096 });
        s.start();
        for (const c of chunks) s.receive(c);
        expect(['identification', 'data', 'done', 'failed']).toContain(s.state);
      }),
      { numRuns: 1000 },
    );
  });
});
