// The report's chart data, computed here rather than in the page: pure, testable, and the page
// only hands it to chart.js. Power is an interval's energy as average power (kW); prices are
// øre/kWh; money NOK.
import { zoneOffsetMs } from '../../core/time-zone.js';
import type { Summary } from './summary.js';

export interface ChartSeries {
  label: string;
  data: Array<number | null>;
}

export interface ReportCharts {
  /** Local wall-clock time of each interval's start, HH:MM in the district's time zone. */
  labels: string[];
  flows: ChartSeries[];
  prices: ChartSeries[];
  trades: ChartSeries[];
  costs: { labels: string[]; series: ChartSeries[] };
}

function localTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  return new Date(ms + zoneOffsetMs(timeZone, ms)).toISOString().slice(11, 16);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function reportCharts(s: Summary): ReportCharts {
  const kWPerWh = 60 / s.district.intervalMinutes / 1000;
  const perInterval = (f: (k: number) => number): number[] => s.intervals.map((_, k) => round3(f(k) * kWPerWh));
  const sum = (key: 'consumptionWh' | 'pvWh' | 'importWh' | 'exportWh' | 'boughtWh') => (k: number): number => s.buildings.reduce((a, b) => a + (b.series[k]?.[key] ?? 0), 0);
  const blockIds = s.blocks.map((b) => b.id);
  return {
    labels: s.intervals.map((i) => localTime(i.intervalStart, s.district.timeZone)),
    flows: [
      { label: 'consumption kW', data: perInterval(sum('consumptionWh')) },
      { label: 'PV kW', data: perInterval(sum('pvWh')) },
      { label: 'grid import kW', data: perInterval(sum('importWh')) },
      { label: 'grid export kW', data: perInterval(sum('exportWh')) },
      { label: 'traded locally kW', data: perInterval(sum('boughtWh')) },
    ],
    prices: [
      { label: 'grid price (retail + tariff) øre/kWh', data: s.intervals.map((i) => i.gridPriceMinorPerKWh) },
      { label: 'feed-in øre/kWh', data: s.intervals.map((i) => i.feedInPriceMinorPerKWh) },
      ...blockIds.map((id) => ({ label: `${id} clearing øre/kWh`, data: s.intervals.map((i) => i.blockPrices[id] ?? null) })),
    ],
    trades: blockIds.map((id) => ({ label: `${id} kWh`, data: s.intervals.map((i) => round3((i.result?.blocks.find((b) => b.id === id)?.boughtWh ?? 0) / 1000)) })),
    costs: {
      labels: s.buildings.map((b) => b.id),
      series: [
        { label: 'with the market NOK', data: s.buildings.map((b) => b.costMinor / 100) },
        { label: 'alone NOK', data: s.buildings.map((b) => b.costAloneMinor / 100) },
      ],
    },
  };
}
