// summary.json of a demo day (version 1, documented field by field in docs/demo.md): what the
// district traded, interval by interval and building by building, with the order books and
// clearing results as published, so a reader can re-clear any interval. Parsing returns a
// Result: the file is read back by tests and tools and may be hand-edited or stale.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { isTimeZone } from '../../core/time-zone.js';
import { validateOrderBook, type ClearingResult } from '../../edge-solver/clearing/index.js';

export const SUMMARY_VERSION = 1;

const isoUtc = z.iso.datetime({ offset: false });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash: 64 lower-case hex digits');
const id = z.string().min(1).max(200);
const wh = z.number().int().min(0);
const signedWh = z.number().int();
const minor = z.number().int();
const share = z.number().min(0).max(1);
/** Clearing prices are published to 1e-6 minor/kWh; grid prices are whole minor units. */
const clearingPrice = z.number().finite();

// The clearing result as edge-solver publishes it (docs/order-book.md, "The result").
const blockResultSchema = z.strictObject({
  id,
  priceMinorPerKWh: clearingPrice.nullable(),
  priceIntervalMinorPerKWh: z.tuple([clearingPrice.nullable(), clearingPrice.nullable()]),
  netLoadWh: signedWh,
  boughtWh: wh,
  soldWh: wh,
  gridImportWh: wh,
  gridExportWh: wh,
  gridImportCostMinor: minor,
  gridExportRevenueMinor: minor,
});
const lineResultSchema = z.strictObject({
  id,
  from: id,
  to: id,
  forwardWh: wh,
  backwardWh: wh,
  forwardDeliveredWh: wh,
  backwardDeliveredWh: wh,
  lossWh: wh,
  feeRevenueMinor: minor,
});
const orderResultSchema = z.strictObject({
  id,
  participant: id,
  block: id,
  side: z.enum(['bid', 'offer']),
  acceptedWh: wh,
  stepsAcceptedWh: z.array(wh),
  amountMinor: minor,
});
export const clearingResultSchema = z.strictObject({
  intervalStart: isoUtc,
  priceRule: z.enum(['midpoint', 'pay-as-clear']),
  blocks: z.array(blockResultSchema),
  lines: z.array(lineResultSchema),
  orders: z.array(orderResultSchema),
  totals: z.strictObject({
    tradedWh: wh,
    gridImportWh: wh,
    gridExportWh: wh,
    gridImportCostMinor: minor,
    gridExportRevenueMinor: minor,
    dsoFeeRevenueMinor: minor,
    welfareMinor: minor,
  }),
});

// The book is checked by the clearing's own validator, so the summary holds exactly what
// `nabo clear` accepts (docs/order-book.md), defaults filled in.
const bookSchema = z.unknown().transform((raw, ctx) => {
  const v = validateOrderBook(raw);
  if (!v.ok) {
    ctx.addIssue({ code: 'custom', message: v.error.detail });
    return z.NEVER;
  }
  return v.value;
});

const intervalSchema = z.strictObject({
  intervalStart: isoUtc,
  /** Final on every gateway of the district (a majority of equal signed hashes everywhere). */
  final: z.boolean(),
  /** The hash the majority signed, or null when no result became final. */
  resultHash: hex64.nullable(),
  /** Each gateway's final hash for the interval, null where it has none. */
  hashes: z.record(id, hex64.nullable()),
  book: bookSchema.nullable(),
  result: clearingResultSchema.nullable(),
  /** Block id → clearing price (minor/kWh), null where the block traded nothing or did not clear. */
  blockPrices: z.record(id, clearingPrice.nullable()),
  /** What a kWh from the grid costs: retail plus grid tariff. */
  gridPriceMinorPerKWh: minor,
  feedInPriceMinorPerKWh: minor,
});

const seriesPointSchema = z.strictObject({
  intervalStart: isoUtc,
  consumptionWh: wh,
  pvWh: wh,
  importWh: wh,
  exportWh: wh,
  boughtWh: wh,
  soldWh: wh,
  /** Into the battery: + charging, − discharging (0 without a battery). */
  batteryWh: signedWh,
  /** True when the meters gave no value for the interval (energies are 0, not measured; in neither cost). */
  gap: z.boolean().optional(),
});

const totalsShape = {
  consumptionWh: wh,
  pvWh: wh,
  importWh: wh,
  exportWh: wh,
  boughtWh: wh,
  soldWh: wh,
  selfSufficiency: share,
  costMinor: minor,
  costAloneMinor: minor,
};

/** A battery's state of charge as read at the day's first and last minute (null when it was not read). */
const batteryDaySchema = z.strictObject({ capacityWh: z.number().positive(), socStartPercent: z.number().min(0).max(100).nullable(), socEndPercent: z.number().min(0).max(100).nullable() });

const buildingSchema = z.strictObject({ id, block: id, ...totalsShape, battery: batteryDaySchema.optional(), series: z.array(seriesPointSchema) });

const blockSchema = z.strictObject({
  id,
  buildings: z.array(id).min(1),
  tradedWh: wh,
  /** Lowest and highest clearing price of the day (null when the block never cleared a price). */
  priceMinMinorPerKWh: clearingPrice.nullable(),
  priceMaxMinorPerKWh: clearingPrice.nullable(),
});

const districtSchema = z.strictObject({
  marketId: id,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local calendar day, YYYY-MM-DD'),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone'),
  seed: z.number().int(),
  /** Simulated time per real time, or 'max' for as fast as the machine allows. */
  speed: z.union([z.number().positive(), z.literal('max')]),
  currency: z.literal('NOK'),
  intervalMinutes: z.number().int().min(1).max(1440),
  /** Where each default price came from (or the override that replaced it). */
  sources: z.strictObject({ spot: z.string().min(1), tariff: z.string().min(1), feedIn: z.string().min(1) }),
  ...totalsShape,
  /** Energy traded locally (Σ blocks' tradedWh). */
  tradedWh: wh,
});

/** The four costs over the intervals metered in both runs; excludedIntervals counts the others (building-intervals for the district). */
const valueCostsShape = {
  aloneMinor: minor,
  marketMinor: minor,
  marketControlMinor: minor,
  controlAloneMinor: minor,
  excludedIntervals: wh,
  /** Energy stored in the batteries at the day's end, each run (null where a battery was not read): a cost the day leaves to the next. */
  storedEndWithoutControlWh: z.number().nullable().optional(),
  storedEndWithControlWh: z.number().nullable().optional(),
};

// The optional comparison with the same day run without control (gateway/demo/value.ts).
const valueSchema = z.strictObject({
  withoutControl: z.strictObject({ intervals: wh, finalIntervals: wh, problems: z.array(z.string()) }),
  district: z.strictObject(valueCostsShape),
  buildings: z.array(z.strictObject({ id, block: id, ...valueCostsShape })),
});

const summaryObjectSchema = z.strictObject({
  version: z.literal(SUMMARY_VERSION),
  district: districtSchema,
  intervals: z.array(intervalSchema),
  buildings: z.array(buildingSchema).min(1),
  blocks: z.array(blockSchema).min(1),
  operator: z.strictObject({ recordsStored: wh, duplicatesDropped: wh, refused: wh }),
  anchors: z.array(z.strictObject({ root: hex64, records: z.number().int().min(1) })),
  value: valueSchema.optional(),
});

const TOTAL_KEYS = ['consumptionWh', 'pvWh', 'importWh', 'exportWh', 'boughtWh', 'soldWh'] as const;

/** The sums the reader relies on: a building's totals are its series', the district's its buildings'. */
function checkConsistency(s: z.output<typeof summaryObjectSchema>, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const starts = s.intervals.map((i) => i.intervalStart);
  if (new Set(starts).size !== starts.length || starts.some((t, k) => k > 0 && Date.parse(t) <= Date.parse(starts[k - 1]!))) issue(['intervals'], 'interval starts must be unique and ascending');
  for (const [k, i] of s.intervals.entries()) {
    if (i.final && i.resultHash === null) issue(['intervals', k, 'resultHash'], 'a final interval has a result hash');
    else if (i.final && Object.values(i.hashes).some((h) => h !== i.resultHash)) issue(['intervals', k, 'hashes'], 'final on every gateway: every gateway holds the result hash');
    if (i.result !== null && i.result.intervalStart.replace(/\.000Z$/, 'Z') !== i.intervalStart.replace(/\.000Z$/, 'Z')) issue(['intervals', k, 'result', 'intervalStart'], 'the result belongs to another interval');
  }
  const blockIds = new Set(s.blocks.map((b) => b.id));
  const buildingIds = new Set<string>();
  for (const [k, b] of s.buildings.entries()) {
    if (buildingIds.has(b.id)) issue(['buildings', k, 'id'], `duplicate building ${b.id}`);
    buildingIds.add(b.id);
    if (!blockIds.has(b.block)) issue(['buildings', k, 'block'], `unknown block ${b.block}`);
    if (b.series.length !== starts.length || b.series.some((p, j) => p.intervalStart !== starts[j])) issue(['buildings', k, 'series'], 'one point per interval, in the order of intervals[]');
    const metered = b.series.findIndex((p) => p.gap === true && (p.consumptionWh !== 0 || p.pvWh !== 0 || p.importWh !== 0 || p.exportWh !== 0 || p.batteryWh !== 0));
    if (metered >= 0) issue(['buildings', k, 'series', metered], 'a gap has no metered energy (0)');
    for (const key of TOTAL_KEYS) {
      const sum = b.series.reduce((a, p) => a + p[key], 0);
      if (sum !== b[key]) issue(['buildings', k, key], `${b[key]} is not the sum of the series (${sum})`);
    }
  }
  for (const [k, b] of s.blocks.entries()) {
    for (const m of b.buildings) if (!s.buildings.some((x) => x.id === m && x.block === b.id)) issue(['blocks', k, 'buildings'], `${m} is not a building of block ${b.id}`);
    if (b.priceMinMinorPerKWh !== null && b.priceMaxMinorPerKWh !== null && b.priceMinMinorPerKWh > b.priceMaxMinorPerKWh) issue(['blocks', k, 'priceMinMinorPerKWh'], 'above the maximum');
  }
  for (const key of [...TOTAL_KEYS, 'costMinor', 'costAloneMinor'] as const) {
    const sum = s.buildings.reduce((a, b) => a + b[key], 0);
    if (sum !== s.district[key]) issue(['district', key], `${s.district[key]} is not the sum over buildings (${sum})`);
  }
  const traded = s.blocks.reduce((a, b) => a + b.tradedWh, 0);
  if (traded !== s.district.tradedWh) issue(['district', 'tradedWh'], `${s.district.tradedWh} is not the sum over blocks (${traded})`);
  if (s.value) checkValue(s, s.value, issue);
}

/** The value section speaks of this day's buildings, its control column is this day's costs where no interval was left out, its district the sum. */
function checkValue(s: z.output<typeof summaryObjectSchema>, v: z.output<typeof valueSchema>, issue: (path: PropertyKey[], message: string) => void): void {
  if (v.buildings.map((b) => `${b.block}/${b.id}`).join(',') !== s.buildings.map((b) => `${b.block}/${b.id}`).join(',')) return issue(['value', 'buildings'], 'one entry per building, in the order of buildings[]');
  for (const [k, b] of v.buildings.entries()) {
    const own = s.buildings[k]!;
    // Over the same intervals as this day's own costs, the control column is those costs.
    const ownGaps = own.series.filter((p) => p.gap === true).length;
    if (b.excludedIntervals > s.intervals.length) issue(['value', 'buildings', k, 'excludedIntervals'], 'more than the intervals of the day');
    else if (b.excludedIntervals < ownGaps) issue(['value', 'buildings', k, 'excludedIntervals'], `${b.excludedIntervals} is fewer than the building's own gaps (${ownGaps})`);
    else if (b.excludedIntervals === ownGaps && (b.marketControlMinor !== own.costMinor || b.controlAloneMinor !== own.costAloneMinor)) issue(['value', 'buildings', k, 'marketControlMinor'], `${b.marketControlMinor} / ${b.controlAloneMinor} are not the building's costMinor / costAloneMinor (${own.costMinor} / ${own.costAloneMinor}) over the same intervals`);
  }
  for (const key of ['aloneMinor', 'marketMinor', 'marketControlMinor', 'controlAloneMinor', 'excludedIntervals'] as const) {
    const sum = v.buildings.reduce((a, b) => a + b[key], 0);
    if (sum !== v.district[key]) issue(['value', 'district', key], `${v.district[key]} is not the sum over buildings (${sum})`);
  }
  if (v.withoutControl.finalIntervals > v.withoutControl.intervals) issue(['value', 'withoutControl', 'finalIntervals'], 'more final intervals than intervals');
}

export const summarySchema = summaryObjectSchema.superRefine(checkConsistency);

export type Summary = z.output<typeof summarySchema>;
export type SummaryInterval = Summary['intervals'][number];
export type SummaryBuilding = Summary['buildings'][number];
export type SummarySeriesPoint = SummaryBuilding['series'][number];
export type SummaryBlock = Summary['blocks'][number];

// The published result type and the schema's must stay the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const resultShapeAgrees: Same<z.output<typeof clearingResultSchema>, ClearingResult> = true;
void resultShapeAgrees;

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text === '' ? '(summary)' : text;
}

/** Checks a parsed summary.json; the error names the first bad field's path. */
export function parseSummary(raw: unknown): Result<Summary, 'invalid-summary'> {
  const parsed = summarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('invalid-summary', `${pathText(issue.path)}: ${issue.message}`);
  }
  return ok(parsed.data);
}
