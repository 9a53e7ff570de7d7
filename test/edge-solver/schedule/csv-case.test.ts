import { describe, expect, it } from 'vitest';
import { parseCaseCsv } from '../../../edge-solver/schedule/index.js';
import { pcdgCase } from './cases.js';

const HEADER = 'step,house,demand_kwh,pv_kwh,wind_kwh,grid_price_pence_per_kwh,feed_in_pence_per_kwh';
const csv = (...rows: string[]): string => [HEADER, ...rows].join('\n') + '\n';

describe('day-ahead case CSV', () => {
  it('reads the PCDG fixture: 48 half-hour steps, 25 houses, the README totals', () => {
    const c = pcdgCase();
    expect(c.steps).toBe(48);
    expect(c.stepHours).toBe(0.5);
    expect(c.buildings.map((b) => b.id)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    const total = (f: (b: (typeof c.buildings)[number]) => readonly number[]): number => c.buildings.reduce((s, b) => s + f(b).reduce((a, x) => a + x, 0), 0);
    expect(total((b) => b.demandKWh)).toBeCloseTo(575.639, 3);
    expect(total((b) => b.generationKWh)).toBeCloseTo(26.001, 3);
  });

  it('sums PV and wind into generation and takes the prices per step', () => {
    const r = parseCaseCsv(csv('0,a,1,0.5,0.25,10,0', '0,b,2,0,0,10,0', '1,a,1,0,0,-2,-3', '1,b,1,0,0,-2,-3'));
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.buildings[0]!.generationKWh).toEqual([0.75, 0]);
    expect(r.value.blocks[0]!.importPrice).toEqual([10, -2]);
    expect(r.value.blocks[0]!.exportPrice).toEqual([0, -3]);
  });

  it('accepts columns in any order and CRLF line ends', () => {
    const text = 'house,step,pv_kwh,wind_kwh,demand_kwh,feed_in_pence_per_kwh,grid_price_pence_per_kwh\r\n1,0,0,0,2,0,5\r\n';
    const r = parseCaseCsv(text);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.buildings[0]!.demandKWh).toEqual([2]);
  });

  it('names a missing column', () => {
    const r = parseCaseCsv('step,house,demand_kwh\n0,1,2\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'header', line: 1, column: 'pv_kwh' });
  });

  it('names the line and column of a value that is not a number', () => {
    const r = parseCaseCsv(csv('0,1,1,0,0,10,0', '1,1,abc,0,0,10,0'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'number', line: 3, column: 'demand_kwh' });
  });

  it('rejects negative demand and a fractional step', () => {
    const neg = parseCaseCsv(csv('0,1,-1,0,0,10,0'));
    if (neg.ok) throw new Error('accepted negative demand');
    expect(neg.error).toMatchObject({ kind: 'number', line: 2, column: 'demand_kwh' });
    const frac = parseCaseCsv(csv('0.5,1,1,0,0,10,0'));
    if (frac.ok) throw new Error('accepted step 0.5');
    expect(frac.error).toMatchObject({ kind: 'number', line: 2, column: 'step' });
  });

  it('rejects a row with too few fields, a duplicate and a hole', () => {
    expect(parseCaseCsv(csv('0,1,1,0,0,10'))).toMatchObject({ ok: false, error: { kind: 'field-count', line: 2 } });
    expect(parseCaseCsv(csv('0,1,1,0,0,10,0', '0,1,1,0,0,10,0'))).toMatchObject({ ok: false, error: { kind: 'duplicate', line: 3 } });
    expect(parseCaseCsv(csv('0,1,1,0,0,10,0', '1,2,1,0,0,10,0'))).toMatchObject({ ok: false, error: { kind: 'missing' } });
  });

  it('rejects a grid price that differs between houses of one step, and feed-in above it', () => {
    expect(parseCaseCsv(csv('0,1,1,0,0,10,0', '0,2,1,0,0,11,0'))).toMatchObject({
      ok: false,
      error: { kind: 'inconsistent-price', line: 3, column: 'grid_price_pence_per_kwh' },
    });
    expect(parseCaseCsv(csv('0,1,1,0,0,10,12'))).toMatchObject({ ok: false, error: { kind: 'inconsistent-price', column: 'feed_in_pence_per_kwh' } });
  });

  it('rejects an empty file and a header without rows', () => {
    expect(parseCaseCsv('')).toMatchObject({ ok: false, error: { kind: 'empty' } });
    expect(parseCaseCsv(`${HEADER}\n`)).toMatchObject({ ok: false, error: { kind: 'empty' } });
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['\u0000\u0001', ',,,,', `${HEADER}\n,,,,,,`, `${HEADER}\n1e400,1,1,1,1,1,1`, 'step\n'.repeat(3)]) {
      expect(() => parseCaseCsv(text)).not.toThrow();
      expect(parseCaseCsv(text).ok).toBe(false);
    }
  });
});
