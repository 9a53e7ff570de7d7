import { describe, expect, it } from 'vitest';
import { MODBUS_ERROR_KINDS } from '../../../protocols/modbus/pdu.js';
import { fuzzModbus } from '../../bench/fuzz-modbus.js';

describe('fuzzModbus (the bench:fuzz driver)', () => {
  it('runs every decoder on the asked number of cases, counts each case once and sees no throw', () => {
    const rows = fuzzModbus(600);
    expect(rows.map((r) => r.decoder)).toEqual([
      'modbus-rtu-request', 'modbus-rtu-response', 'modbus-mbap-request', 'modbus-mbap-response', 'modbus-ascii-request', 'modbus-ascii-response',
    ]);
    for (const r of rows) {
      expect(r.cases).toBe(600);
      expect(r.decoded + r.rejected).toBe(600);
      expect(Object.values(r.byKind).reduce((a, b) => a + b, 0)).toBe(r.rejected);
      expect(r.byKind.threw).toBeUndefined();
      for (const kind of Object.keys(r.byKind)) expect(MODBUS_ERROR_KINDS).toContain(kind);
      // Mutated valid frames and random bytes both appear, so some decode and most do not.
      expect(r.rejected).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.decoder === 'modbus-ascii-request')!.decoded).toBeGreaterThan(0);
  });

  it('is reproducible: the same case count gives the same verdicts', () => {
    const strip = (rows: ReturnType<typeof fuzzModbus>) => rows.map(({ ms: _ms, ...rest }) => rest);
    expect(strip(fuzzModbus(200))).toEqual(strip(fuzzModbus(200)));
  });
});
