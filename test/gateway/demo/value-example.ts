// Hand-worked value cases shared by the value tests.
// 1. tinyDays(): one building, three intervals, prices typed by hand (grid 100, feed-in 40, block
//    70 øre/kWh), so each cost can be worked out on paper; the third interval is a gap in the
//    run without control and is left out of all four costs.
// 2. fixtureWithValue(): the demo fixture (its costs as the generator made them, Σ market −212,
//    Σ alone −189, no gaps) with a value section typed by hand, for the tables and the report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSummary, type Summary, type SummarySeriesPoint } from '../../../gateway/demo/summary.js';
import type { DemoValue } from '../../../gateway/demo/value.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json');

export function fixtureDay(): Summary {
  const parsed = parseSummary(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value;
}

const T0 = Date.UTC(2026, 5, 21, 10, 0);

function point(k: number, importWh: number, exportWh: number, boughtWh: number, soldWh: number, gap = false): SummarySeriesPoint {
  return { intervalStart: new Date(T0 + k * 900_000).toISOString(), consumptionWh: 0, pvWh: 0, importWh, exportWh, boughtWh, soldWh, batteryWh: 0, ...(gap ? { gap: true } : {}) };
}

function day(series: SummarySeriesPoint[]): Summary {
  // Only what the value reads; the rest of a summary plays no part.
  return {
    district: { marketId: 'm', date: '2026-06-21', seed: 7 },
    intervals: series.map((p) => ({ intervalStart: p.intervalStart, gridPriceMinorPerKWh: 100, feedInPriceMinorPerKWh: 40, blockPrices: { b: 70 } })),
    buildings: [{ id: 'h', block: 'b', series }],
  } as unknown as Summary;
}

/**
 * Without control: 1000 Wh imported (alone and market 100); 500 Wh exported, all sold
 * (alone −20, market −35); then a gap. With control: 600 Wh imported of which 400 bought
 * (market 400 × 70 + 200 × 100 = 48, alone 60); 800 Wh exported of which 500 sold
 * (market −35 − 12 = −47, alone −32); then 1000 Wh imported, left out (a gap in the other run).
 */
export function tinyDays(): { withoutControl: Summary; withControl: Summary } {
  return {
    withoutControl: day([point(0, 1000, 0, 0, 0), point(1, 0, 500, 0, 500), point(2, 0, 0, 0, 0, true)]),
    withControl: day([point(0, 600, 0, 400, 0), point(1, 0, 800, 0, 500), point(2, 1000, 0, 0, 0)]),
  };
}

// ila-1 ila-2 ila-3 lade-1 lade-2 lade-3 lade-4 moholt-1 moholt-2 moholt-3
const NO_CONTROL_ALONE = [100, 50, -20, 0, 0, 300, 0, -150, -80, -40]; // Σ 160
const NO_CONTROL_MARKET = [90, 50, -25, 0, 0, 250, 0, -150, -85, -40]; // Σ 90

/** The fixture with a value: alone and market typed by hand, market with control its own costs. */
export function fixtureWithValue(market: number[] = NO_CONTROL_MARKET): Summary {
  const s = fixtureDay();
  const buildings = s.buildings.map((b, k) => ({ id: b.id, block: b.block, aloneMinor: NO_CONTROL_ALONE[k]!, marketMinor: market[k]!, marketControlMinor: b.costMinor, controlAloneMinor: b.costAloneMinor, excludedIntervals: 0 }));
  const sum = (key: 'aloneMinor' | 'marketMinor' | 'marketControlMinor' | 'controlAloneMinor'): number => buildings.reduce((a, b) => a + b[key], 0);
  const value: DemoValue = {
    withoutControl: { intervals: s.intervals.length, finalIntervals: s.intervals.length, problems: [] },
    district: { aloneMinor: sum('aloneMinor'), marketMinor: sum('marketMinor'), marketControlMinor: sum('marketControlMinor'), controlAloneMinor: sum('controlAloneMinor'), excludedIntervals: 0 },
    buildings,
  };
  return { ...s, value };
}
