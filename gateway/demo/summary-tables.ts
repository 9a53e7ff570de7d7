// The end-of-run text tables of a demo day: per building (energy, self-sufficiency, local
// trade, cost with the market against alone) and per block (traded energy, clearing prices).
// The report page shows the same rows, so both read them from here.
import { formatTable } from '../cli/output.js';
import type { Summary } from './summary.js';
import { savingShare, type DemoValue, type ValueCosts } from './value.js';

/** Minor units (øre) as currency units with two decimals, exactly: 12345 → "123.45", −5 → "-0.05". */
export function formatMoney(minor: number): string {
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100);
  return `${minor < 0 ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatKWh(wh: number): string {
  return (wh / 1000).toFixed(1);
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(0)} %`;
}

/** A clearing price range in minor units per kWh: "31.5–44" ("–" alone when none). */
export function formatPriceRange(min: number | null, max: number | null): string {
  const p = (x: number): string => String(Number(x.toFixed(2)));
  if (min === null || max === null) return '–';
  return min === max ? p(min) : `${p(min)}–${p(max)}`;
}

export const BUILDING_HEADERS = ['building', 'block', 'consumption kWh', 'PV kWh', 'self-sufficiency', 'traded locally kWh', 'cost market NOK', 'cost alone NOK', 'saving NOK'];
export const BLOCK_HEADERS = ['block', 'buildings', 'traded kWh', 'clearing price øre/kWh'];

/** Rows of the building table, the district's total last. */
export function buildingRows(s: Summary): string[][] {
  const rows = s.buildings.map((b) => [
    b.id,
    b.block,
    formatKWh(b.consumptionWh),
    formatKWh(b.pvWh),
    formatPercent(b.selfSufficiency),
    formatKWh(b.boughtWh + b.soldWh),
    formatMoney(b.costMinor),
    formatMoney(b.costAloneMinor),
    formatMoney(b.costAloneMinor - b.costMinor),
  ]);
  const d = s.district;
  // Each kWh traded inside the district once (what was bought), not once per side.
  rows.push(['district', '', formatKWh(d.consumptionWh), formatKWh(d.pvWh), formatPercent(d.selfSufficiency), formatKWh(d.tradedWh), formatMoney(d.costMinor), formatMoney(d.costAloneMinor), formatMoney(d.costAloneMinor - d.costMinor)]);
  return rows;
}

export function blockRows(s: Summary): string[][] {
  return s.blocks.map((b) => [b.id, b.buildings.join(', '), formatKWh(b.tradedWh), formatPriceRange(b.priceMinMinorPerKWh, b.priceMaxMinorPerKWh)]);
}

/** One line on how the day went: intervals final everywhere, and why some were not. */
export function intervalsLine(s: Summary): string {
  const finals = s.intervals.filter((i) => i.final).length;
  const cleared = s.intervals.filter((i) => i.result !== null).length;
  const gaps = s.buildings.reduce((a, b) => a + b.series.filter((p) => p.gap === true).length, 0);
  // Say what a gap is rather than leave a reader guessing at zeros.
  const gapText = gaps > 0 ? `; ${gaps} building-intervals without metering (a meter's first intervals are gaps until its counters are seen), in neither cost` : '';
  return `${s.district.date} (${s.district.timeZone}), market ${s.district.marketId}: ${s.intervals.length} intervals, ${finals} final on every gateway, ${cleared} with a clearing result${gapText}`;
}

/** A saving share as a signed percentage with one decimal ("–" when the base is 0). */
export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)} %`;
}

export const VALUE_HEADERS = ['building', 'block', 'alone NOK', 'market without control NOK', 'market with control NOK', 'saving market %', 'saving market + control %', 'control day alone NOK', 'stored at the end kWh (without / with control)'];

type ValueRow = ValueCosts & Partial<Pick<DemoValue['district'], 'storedEndWithoutControlWh' | 'storedEndWithControlWh'>>;

/** "a / b" kWh of stored energy at the day's end, "?" where a battery was not read, "–" without a battery. */
export function formatStored(v: ValueRow): string {
  if (v.storedEndWithoutControlWh === undefined && v.storedEndWithControlWh === undefined) return '–';
  const one = (x: number | null | undefined): string => (x === null || x === undefined ? '?' : formatKWh(x));
  return `${one(v.storedEndWithoutControlWh)} / ${one(v.storedEndWithControlWh)}`;
}

function valueRow(name: string, block: string, v: ValueRow): string[] {
  return [name, block, formatMoney(v.aloneMinor), formatMoney(v.marketMinor), formatMoney(v.marketControlMinor), formatShare(savingShare(v.aloneMinor, v.marketMinor)), formatShare(savingShare(v.aloneMinor, v.marketControlMinor)), formatMoney(v.controlAloneMinor), formatStored(v)];
}

/** Rows of the value table (buildings, the district last); none without a value section. */
export function valueRows(s: Summary): string[][] {
  if (!s.value) return [];
  return [...s.value.buildings.map((b) => valueRow(b.id, b.block, b)), valueRow('district', '', s.value.district)];
}

/** What the value table says in words, including when control did not pay. */
export function valueLine(s: Summary): string {
  const v = s.value;
  if (!v) return '';
  const d = v.district;
  const verdict =
    d.marketControlMinor < d.marketMinor
      ? `control saved ${formatMoney(d.marketMinor - d.marketControlMinor)} NOK more than the market alone`
      : `the market with control was not cheaper than without it (${formatMoney(d.marketControlMinor)} against ${formatMoney(d.marketMinor)} NOK)`;
  const cf = v.withoutControl;
  return `Value: the same day without control (batteries on their own self-consumption logic), ${cf.finalIntervals} of ${cf.intervals} intervals final${cf.problems.length > 0 ? `, ${cf.problems.length} problems` : ''}; ${verdict}. Savings are against alone, as a share of its size.`;
}

/** What `nabo demo` prints at the end of the day. */
export function summaryTables(s: Summary): string {
  const value = s.value ? `\n${valueLine(s)}\n\n${formatTable(VALUE_HEADERS, valueRows(s))}` : '';
  return `${intervalsLine(s)}\n\n${formatTable(BUILDING_HEADERS, buildingRows(s))}\n${formatTable(BLOCK_HEADERS, blockRows(s))}${value}`;
}
