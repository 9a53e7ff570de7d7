// Reads a day-ahead case in the CSV format of test/fixtures/market-cases (one row per step and
// house: demand, PV, wind, grid price, feed-in). The file comes from outside: every problem is
// returned with its line and column, never thrown.
import type { ScheduleCase } from './case.js';

export type CsvCaseErrorKind = 'empty' | 'header' | 'field-count' | 'number' | 'duplicate' | 'missing' | 'inconsistent-price';

export interface CsvCaseError {
  kind: CsvCaseErrorKind;
  detail: string;
  /** 1-based line of the file. */
  line: number;
  column?: string;
}

export type CsvCaseResult = { ok: true; value: ScheduleCase } | { ok: false; error: CsvCaseError };

export interface CsvCaseOptions {
  /** Hours per step; the fixture's steps are half hours. Default 0.5. */
  stepHours?: number;
  /** The block all houses belong to; default 'community'. */
  blockId?: string;
}

const COLUMNS = ['step', 'house', 'demand_kwh', 'pv_kwh', 'wind_kwh', 'grid_price_pence_per_kwh', 'feed_in_pence_per_kwh'] as const;
type Column = (typeof COLUMNS)[number];
const NON_NEGATIVE: ReadonlySet<Column> = new Set(['demand_kwh', 'pv_kwh', 'wind_kwh']);
// A number as written by a spreadsheet export: no hex, no Infinity, no empty cell.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const failAt = (kind: CsvCaseErrorKind, line: number, detail: string, column?: string): CsvCaseResult => ({
  ok: false,
  error: column === undefined ? { kind, detail, line } : { kind, detail, line, column },
});

interface Row {
  line: number;
  step: number;
  house: string;
  values: Record<Column, number>;
}

export function parseCaseCsv(text: string, options: CsvCaseOptions = {}): CsvCaseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) return failAt('empty', 1, 'the file is empty');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const position = new Map<Column, number>();
  for (const col of COLUMNS) {
    const at = header.indexOf(col);
    if (at < 0) return failAt('header', 1, `missing column ${col} (expected ${COLUMNS.join(',')})`, col);
    position.set(col, at);
  }
  if (lines.length === 1) return failAt('empty', 1, 'the file has a header but no rows');

  const rows: Row[] = [];
  for (let n = 1; n < lines.length; n++) {
    const lineNo = n + 1;
    const fields = lines[n]!.split(',').map((f) => f.trim());
    if (fields.length !== header.length) return failAt('field-count', lineNo, `${fields.length} fields, the header has ${header.length}`);
    const values = {} as Record<Column, number>;
    for (const col of COLUMNS) {
      const raw = fields[position.get(col)!]!;
      if (col === 'house') continue;
      if (!NUMBER.test(raw)) return failAt('number', lineNo, `${JSON.stringify(raw)} is not a number`, col);
      const x = Number(raw);
      if (!Number.isFinite(x)) return failAt('number', lineNo, `${raw} is out of range`, col);
      if (NON_NEGATIVE.has(col) && x < 0) return failAt('number', lineNo, `${raw} is negative`, col);
      values[col] = x;
    }
    const house = fields[position.get('house')!]!;
    if (house === '') return failAt('number', lineNo, 'empty house id', 'house');
    if (!Number.isInteger(values.step) || values.step < 0) return failAt('number', lineNo, `step ${values.step} is not a whole number ≥ 0`, 'step');
    rows.push({ line: lineNo, step: values.step, house, values });
  }

  const steps = Math.max(...rows.map((r) => r.step)) + 1;
  const houses = [...new Set(rows.map((r) => r.house))];
  const numeric = houses.every((h) => /^\d+$/.test(h));
  houses.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const houseIndex = new Map(houses.map((h, i) => [h, i]));
  const grid: Array<Array<Row | undefined>> = houses.map(() => new Array<Row | undefined>(steps));
  const importPrice = new Array<number>(steps).fill(NaN);
  const exportPrice = new Array<number>(steps).fill(NaN);
  for (const r of rows) {
    const slot = grid[houseIndex.get(r.house)!]!;
    const seen = slot[r.step];
    if (seen) return failAt('duplicate', r.line, `step ${r.step} of house ${r.house} already given on line ${seen.line}`);
    slot[r.step] = r;
    // The case's houses share one tariff (one block); a different price in the same step is an error.
    for (const [col, series] of [['grid_price_pence_per_kwh', importPrice], ['feed_in_pence_per_kwh', exportPrice]] as const) {
      const x = r.values[col];
      if (Number.isNaN(series[r.step]!)) series[r.step] = x;
      else if (series[r.step] !== x) return failAt('inconsistent-price', r.line, `${x} differs from ${series[r.step]} given for step ${r.step} by another house`, col);
    }
    if (r.values.feed_in_pence_per_kwh > r.values.grid_price_pence_per_kwh) {
      return failAt('inconsistent-price', r.line, 'feed-in above the grid price (importing to export would pay without bound)', 'feed_in_pence_per_kwh');
    }
  }
  for (let i = 0; i < houses.length; i++) {
    for (let t = 0; t < steps; t++) {
      if (!grid[i]![t]) return failAt('missing', lines.length, `no row for step ${t} of house ${houses[i]} (steps run 0..${steps - 1})`);
    }
  }
  const blockId = options.blockId ?? 'community';
  return {
    ok: true,
    value: {
      stepHours: options.stepHours ?? 0.5,
      steps,
      blocks: [{ id: blockId, importPrice, exportPrice }],
      buildings: houses.map((house, i) => ({
        id: house,
        blockId,
        demandKWh: grid[i]!.map((r) => r!.values.demand_kwh),
        generationKWh: grid[i]!.map((r) => r!.values.pv_kwh + r!.values.wind_kwh),
      })),
      lines: [],
    },
  };
}
