import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockRows, buildingRows, formatMoney, formatPriceRange, summaryTables } from '../../../gateway/demo/summary-tables.js';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';

function fixture(): Summary {
  const r = parseSummary(JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json'), 'utf8')));
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

describe('demo summary tables', () => {
  it('money is NOK with two decimals, exact from øre, negative when the building earned', () => {
    expect(formatMoney(12345)).toBe('123.45');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(-212)).toBe('-2.12');
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(100)).toBe('1.00');
  });

  it('a price range is min–max, one number when equal, a dash when the block never cleared', () => {
    expect(formatPriceRange(34, 39.5)).toBe('34–39.5');
    expect(formatPriceRange(36, 36)).toBe('36');
    expect(formatPriceRange(null, null)).toBe('–');
  });

  it('lists every building with its energy, self-sufficiency, local trade and both costs, the district last', () => {
    const s = fixture();
    const rows = buildingRows(s);
    expect(rows).toHaveLength(s.buildings.length + 1);
    const b = s.buildings[3]!;
    expect(rows[3]).toEqual([
      b.id,
      b.block,
      (b.consumptionWh / 1000).toFixed(1),
      (b.pvWh / 1000).toFixed(1),
      `${Math.round(b.selfSufficiency * 100)} %`,
      ((b.boughtWh + b.soldWh) / 1000).toFixed(1),
      formatMoney(b.costMinor),
      formatMoney(b.costAloneMinor),
      formatMoney(b.costAloneMinor - b.costMinor),
    ]);
    expect(rows.at(-1)![0]).toBe('district');
    // The district counts each traded kWh once, not once per side.
    expect(rows.at(-1)![5]).toBe((s.district.tradedWh / 1000).toFixed(1));
    expect(s.district.boughtWh + s.district.soldWh).toBeGreaterThan(s.district.tradedWh);
    expect(rows.at(-1)![8]).toBe(formatMoney(s.district.costAloneMinor - s.district.costMinor));
  });

  it('lists every block with its buildings, traded energy and clearing price range', () => {
    const s = fixture();
    expect(blockRows(s)).toEqual(s.blocks.map((b) => [b.id, b.buildings.join(', '), (b.tradedWh / 1000).toFixed(1), formatPriceRange(b.priceMinMinorPerKWh, b.priceMaxMinorPerKWh)]));
  });

  it('prints a header line, the building table and the block table with aligned columns', () => {
    const s = fixture();
    const text = summaryTables(s);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`2026-06-21 (Europe/Oslo), market trondheim-demo: 4 intervals, 3 final on every gateway, 4 with a clearing result`);
    expect(lines[2]).toMatch(/^building\s+block\s+consumption kWh\s+PV kWh\s+self-sufficiency\s+traded locally kWh\s+cost market NOK\s+cost alone NOK\s+saving NOK$/);
    expect(text).toMatch(/^block\s+buildings\s+traded kWh\s+clearing price øre\/kWh$/m);
    // Columns line up: every row of the building table starts its second column where the header does.
    const col = lines[2]!.indexOf('block');
    for (const line of lines.slice(4, 4 + s.buildings.length + 1)) expect(line.slice(col - 2, col)).toBe('  ');
    expect(text).toContain(`district`);
  });
});
