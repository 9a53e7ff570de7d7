// Builds a demo summary from seeded physics and the real clearing, so the fixture under
// test/fixtures/demo/ is produced, never hand-typed: three Trondheim blocks of three or four
// buildings, PV on a summer day, households' load, batteries on some roofs, one order per
// building and interval, every book cleared by edge-solver, costs by the summary's own rules.
import { hashOf } from '../../../core/hash.js';
import { clearBook, validateOrderBook, type OrderBookInput } from '../../../edge-solver/clearing/index.js';
import { DEMO_TIME_ZONE, demoGridPrices, PRICE_SOURCES } from '../../../gateway/demo/norwegian-defaults.js';
import { SUMMARY_VERSION, type Summary, type SummaryInterval, type SummarySeriesPoint } from '../../../gateway/demo/summary.js';
import { blockSummaries, buildingSummary, districtTotals } from '../../../gateway/demo/summary-totals.js';

export interface GeneratorOptions {
  seed: number;
  date: string;
  /** Only these intervals of the day, [from, to) by index (the whole day by default). */
  window?: { from: number; to: number };
}

/** mulberry32: small, seeded, the same numbers on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BuildingSpec {
  id: string;
  block: string;
  pvPeakW: number;
  baseLoadW: number;
  batteryWh: number;
}

const BLOCKS = ['ila', 'lade', 'moholt'];
const INTERVAL_MS = 900_000;

function buildingsOf(random: () => number): BuildingSpec[] {
  const out: BuildingSpec[] = [];
  for (const [k, block] of BLOCKS.entries()) {
    const n = k === 1 ? 4 : 3;
    for (let i = 1; i <= n; i++) {
      out.push({ id: `${block}-${i}`, block, pvPeakW: Math.round(random() < 0.75 ? 4000 + random() * 8000 : 0), baseLoadW: Math.round(400 + random() * 900), batteryWh: random() < 0.4 ? 10_000 : 0 });
    }
  }
  return out;
}

/** Trondheim at midsummer: the sun is up about 03:00–23:30 local; a bell over that span. */
function pvW(spec: BuildingSpec, localHour: number, cloud: number): number {
  const x = (localHour - 13.2) / 4.2;
  return Math.max(0, spec.pvPeakW * Math.exp(-x * x) * cloud);
}

function loadW(spec: BuildingSpec, localHour: number, random: () => number): number {
  const morning = Math.exp(-(((localHour - 7.5) / 1.2) ** 2));
  const evening = Math.exp(-(((localHour - 18.5) / 2) ** 2));
  return spec.baseLoadW * (1 + 1.2 * morning + 1.8 * evening) * (0.85 + 0.3 * random());
}

export async function generateSummary(options: GeneratorOptions): Promise<Summary> {
  const random = rng(options.seed);
  const specs = buildingsOf(random);
  const prices = demoGridPrices({ date: options.date }).slice(options.window?.from ?? 0, options.window?.to);
  const soc = new Map(specs.map((s) => [s.id, s.batteryWh / 2]));
  const series = new Map<string, SummarySeriesPoint[]>(specs.map((s) => [s.id, []]));
  const intervals: SummaryInterval[] = [];
  for (const [k, p] of prices.entries()) {
    const startMs = Date.parse(p.intervalStart);
    const localHour = ((startMs + 2 * 3_600_000) % 86_400_000) / 3_600_000 + 0.125; // CEST, mid-interval
    const cloud = 0.55 + 0.45 * random();
    const metered = specs.map((s) => {
      const consumptionWh = Math.round(loadW(s, localHour, random) / 4);
      const pvWh = Math.round(pvW(s, localHour, cloud) / 4);
      // The battery soaks up surplus and covers the evening, within its capacity and 2.5 kW.
      let batteryWh = 0;
      const level = soc.get(s.id)!;
      if (s.batteryWh > 0) batteryWh = pvWh > consumptionWh ? Math.min(pvWh - consumptionWh, s.batteryWh - level, 625) : -Math.min(consumptionWh - pvWh, level, 625);
      soc.set(s.id, level + batteryWh);
      const netWh = consumptionWh + batteryWh - pvWh;
      return { s, consumptionWh, pvWh, batteryWh, importWh: Math.max(0, netWh), exportWh: Math.max(0, -netWh) };
    });
    const grid = p.gridImportPriceMinorPerKWh + p.gridTariffMinorPerKWh;
    const input: OrderBookInput = {
      intervalStart: p.intervalStart.replace(/\.000Z$/, 'Z'),
      intervalMinutes: 15,
      blocks: BLOCKS.map((id) => ({ id, gridImportPriceMinorPerKWh: p.gridImportPriceMinorPerKWh, gridTariffMinorPerKWh: p.gridTariffMinorPerKWh, gridExportPriceMinorPerKWh: p.gridExportPriceMinorPerKWh })),
      lines: [
        { id: 'ila-lade', from: 'ila', to: 'lade', capacityWh: 2500, feeMinorPerKWh: 2, lossFraction: 0 },
        { id: 'lade-moholt', from: 'lade', to: 'moholt', capacityWh: 2500, feeMinorPerKWh: 2, lossFraction: 0 },
      ],
      orders: metered.flatMap((m) => {
        const limit = m.importWh > 0 ? grid - 1 - Math.floor(random() * 6) : p.gridExportPriceMinorPerKWh + 1 + Math.floor(random() * 6);
        const energyWh = m.importWh > 0 ? m.importWh : m.exportWh;
        if (energyWh === 0) return [];
        return [{ id: `${m.s.id}-${k}:${m.importWh > 0 ? 'bid' : 'offer'}`, participant: m.s.id, block: m.s.block, side: m.importWh > 0 ? ('bid' as const) : ('offer' as const), steps: [{ energyWh, priceMinorPerKWh: limit }] }];
      }),
    };
    const book = validateOrderBook(input);
    if (!book.ok) throw new Error(`generated book ${k}: ${book.error.detail}`);
    const cleared = await clearBook(book.value);
    if (!cleared.ok) throw new Error(`generated book ${k}: ${cleared.error.kind}`);
    const result = cleared.value;
    const resultHash = hashOf(result);
    // The last interval of the fixture stays unfinished on one gateway: the summary must show it.
    const lagging = k === prices.length - 1 ? specs[0]!.id : null;
    intervals.push({
      intervalStart: p.intervalStart,
      final: lagging === null,
      resultHash,
      hashes: Object.fromEntries(specs.map((s) => [s.id, s.id === lagging ? null : resultHash])),
      book: book.value,
      result,
      blockPrices: Object.fromEntries(result.blocks.map((b) => [b.id, b.priceMinorPerKWh])),
      gridPriceMinorPerKWh: grid,
      feedInPriceMinorPerKWh: p.gridExportPriceMinorPerKWh,
    });
    for (const m of metered) {
      const accepted = (side: 'bid' | 'offer'): number => result.orders.filter((o) => o.participant === m.s.id && o.side === side).reduce((a, o) => a + o.acceptedWh, 0);
      series.get(m.s.id)!.push({ intervalStart: p.intervalStart, consumptionWh: m.consumptionWh, pvWh: m.pvWh, importWh: m.importWh, exportWh: m.exportWh, boughtWh: accepted('bid'), soldWh: accepted('offer'), batteryWh: m.batteryWh });
    }
  }
  const buildings = specs.map((s) => buildingSummary(s.id, s.block, series.get(s.id)!, intervals, undefined));
  const blocks = blockSummaries(buildings, intervals);
  const recordsStored = intervals.length * specs.length * 2;
  return {
    version: SUMMARY_VERSION,
    district: {
      marketId: 'trondheim-demo',
      date: options.date,
      timeZone: DEMO_TIME_ZONE,
      seed: options.seed,
      speed: 'max',
      currency: 'NOK',
      intervalMinutes: INTERVAL_MS / 60_000,
      sources: { spot: PRICE_SOURCES[0]!.source, tariff: PRICE_SOURCES[1]!.source, feedIn: PRICE_SOURCES[2]!.source },
      ...districtTotals(buildings, blocks),
    },
    intervals,
    buildings,
    blocks,
    operator: { recordsStored, duplicatesDropped: 3, refused: 0 },
    anchors: [
      { root: hashOf({ anchor: 1, seed: options.seed }), records: Math.ceil(recordsStored / 2) },
      { root: hashOf({ anchor: 2, seed: options.seed }), records: Math.floor(recordsStored / 2) },
    ],
  };
}
