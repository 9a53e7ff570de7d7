import { describe, expect, it } from 'vitest';
import { fuzzDevices } from '../../bench/fuzz-devices.js';

describe('device definitions on random answers', () => {
  it('never throw and never give a non-finite value, for every definition and the curve models', () => {
    const rows = fuzzDevices(3000);
    for (const r of rows) {
      expect(r.decoded + r.rejected, r.decoder).toBe(3000);
      expect(r.byKind.threw, r.decoder).toBeUndefined();
    }
  });
});
