// Issue #12's "done when" on a simulated day, judged on the simulator's truth: (a) no limit a
// battery or a connection has was ever exceeded, at the physics' own resolution; (b) where the
// battery had room the whole interval, each building's net exchange with the grid came within
// max(5 %, 50 Wh) of what it traded. Pure: the caller reads truth.json, the configs and the
// clearing results (truth-check-files.ts reads them from a kept district day).
//
// What a building "traded" is its cleared net position, bought − sold over its accepted orders
// (the trade record's energyWh, the settlement's tradedWh). The clearing assigns grid exchange
// only to a block, as the counterpart of its members' orders, never to a building: a building
// that bought 800 Wh is to draw 800 Wh, whichever source the block's clearing found for them.
// That is what control aims at (gateway/control/battery-target.ts: grid exchange = traded, as
// average power) and what the settlement bills the difference from. A building with no accepted
// order in a final interval traded 0 and aims at 0. Intervals that are not final are not judged:
// nothing was traded and control follows the day-ahead plan's battery power instead.
import type { TrueInterval } from '../../device-sim/fleet/interval-recorder.js';
import type { ClearingResult } from '../../edge-solver/clearing/index.js';

/** The limits of a building (from its config: the battery device's `limits`, a connection cap if any). */
export interface BuildingLimits {
  maxChargeW?: number;
  maxDischargeW?: number;
  minSocPercent?: number;
  maxSocPercent?: number;
  rampWPerS?: number;
  /** Largest import and export at the connection (main fuse, DSO cap), W. */
  connectionCapW?: number;
}

export interface TruthCheckOptions {
  /** Relative and absolute tolerance of |metered − traded| (default 5 %, 50 Wh). */
  relativeTolerance?: number;
  absoluteToleranceWh?: number;
  /** A battery this close to an edge of its SoC window had no room (percentage points, default 0.5). */
  socMarginPercent?: number;
  /** A battery this close to a power limit had no room (share of the limit, default 1 %). */
  powerMarginShare?: number;
  /** Control may move a setpoint by rampWPerS × this per write (its period, default 10 s). */
  rampWindowS?: number;
  /** How far past a limit truth may read before it counts, for float noise (W and percentage points). */
  slackW?: number;
  slackPercent?: number;
  /** Intervals at the start of the day not judged for the exchange (control's first readings); limits still hold. */
  warmUpIntervals?: number;
}

export type LimitKind = 'charge-power' | 'discharge-power' | 'soc-min' | 'soc-max' | 'ramp' | 'connection-import' | 'connection-export';

export interface LimitViolation {
  buildingId: string;
  intervalStart: string;
  limit: LimitKind;
  /** The true extreme and the limit it passed (W, %, or W per write for the ramp). */
  trueValue: number;
  limitValue: number;
}

export interface ExchangeDeviation {
  buildingId: string;
  intervalStart: string;
  tradedWh: number;
  meteredWh: number;
  /** metered − traded. */
  deviationWh: number;
  toleranceWh: number;
  /** What the battery did meanwhile (for the why): time on its own control, time cut by a limit. */
  batteryAutoMs: number;
  batteryClippedMs: number;
}

export interface TruthCheckReport {
  violations: LimitViolation[];
  /** Judged intervals (battery had room) where the exchange missed the trade. */
  deviations: ExchangeDeviation[];
  /** Building-intervals: judged (battery had room), of which compliant, and why others were not judged. */
  judged: number;
  compliant: number;
  /** compliant / judged; null when nothing could be judged. */
  complianceShare: number | null;
  notJudged: { warmUp: number; notFinal: number; noTruth: number; noBattery: number; noRoom: number };
  /** The largest |metered − traded| among the judged intervals. */
  worst: ExchangeDeviation | null;
}

export interface TruthCheckInputs {
  /** truth.json: true intervals by building (gateway) id. */
  truth: Readonly<Record<string, readonly TrueInterval[]>>;
  limits: Readonly<Record<string, BuildingLimits>>;
  /** Each interval of the day: its start, whether it was final, and the certified clearing result. */
  intervals: ReadonlyArray<{ intervalStart: string; final: boolean; result?: ClearingResult | null }>;
  options?: TruthCheckOptions;
}

/** Bought − sold per participant over its accepted orders: what each building traded. */
export function tradedByParticipant(result: ClearingResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of result.orders) out.set(o.participant, (out.get(o.participant) ?? 0) + (o.side === 'bid' ? o.acceptedWh : -o.acceptedWh));
  return out;
}

/** The net exchange the grid meter's whole-Wh registers show over the interval, + drawn. */
export function meteredNetWh(t: TrueInterval): number {
  return t.registersAtEnd.gridImportWh - t.registersAtStart.gridImportWh - (t.registersAtEnd.gridExportWh - t.registersAtStart.gridExportWh);
}

/** Every limit the true extremes of one interval passed. */
export function limitViolations(buildingId: string, t: TrueInterval, limits: BuildingLimits, options: TruthCheckOptions = {}): LimitViolation[] {
  const x = t.extremes;
  if (!x) return [];
  const slackW = options.slackW ?? 0.5;
  const slackPercent = options.slackPercent ?? 1e-6;
  const intervalStart = new Date(t.startMs).toISOString();
  const out: LimitViolation[] = [];
  const over = (limit: LimitKind, trueValue: number | undefined, limitValue: number | undefined, slack: number, below = false): void => {
    if (trueValue === undefined || limitValue === undefined) return;
    if (below ? trueValue < limitValue - slack : trueValue > limitValue + slack) out.push({ buildingId, intervalStart, limit, trueValue, limitValue });
  };
  over('charge-power', x.maxBatteryChargeW, limits.maxChargeW, slackW);
  over('discharge-power', x.maxBatteryDischargeW, limits.maxDischargeW, slackW);
  over('soc-min', x.minSocPercent, limits.minSocPercent, slackPercent, true);
  over('soc-max', x.maxSocPercent, limits.maxSocPercent, slackPercent);
  over('ramp', x.maxSteeredStepW, limits.rampWPerS === undefined ? undefined : limits.rampWPerS * (options.rampWindowS ?? 10), slackW);
  over('connection-import', x.maxGridImportW, limits.connectionCapW, slackW);
  over('connection-export', x.maxGridExportW, limits.connectionCapW, slackW);
  return out;
}

/**
 * Whether the battery had room the whole interval: never cut by a power limit or a SoC bound
 * in the physics, and never within the margins of its configured SoC window or power limits.
 * Time on its own control does not take room away: control should have been steering.
 */
export function batteryHadRoom(t: TrueInterval, limits: BuildingLimits, options: TruthCheckOptions = {}): boolean {
  const x = t.extremes;
  if (!x || x.minSocPercent === undefined || x.maxSocPercent === undefined) return false;
  if (x.batteryClippedMs > 0) return false;
  const socMargin = options.socMarginPercent ?? 0.5;
  const powerMargin = options.powerMarginShare ?? 0.01;
  if (limits.minSocPercent !== undefined && x.minSocPercent <= limits.minSocPercent + socMargin) return false;
  if (limits.maxSocPercent !== undefined && x.maxSocPercent >= limits.maxSocPercent - socMargin) return false;
  if (limits.maxChargeW !== undefined && x.maxBatteryChargeW >= limits.maxChargeW * (1 - powerMargin)) return false;
  if (limits.maxDischargeW !== undefined && x.maxBatteryDischargeW >= limits.maxDischargeW * (1 - powerMargin)) return false;
  return true;
}

export function checkDayOnTruth(inputs: TruthCheckInputs): TruthCheckReport {
  const o = inputs.options ?? {};
  const rel = o.relativeTolerance ?? 0.05;
  const abs = o.absoluteToleranceWh ?? 50;
  const violations: LimitViolation[] = [];
  const deviations: ExchangeDeviation[] = [];
  const notJudged = { warmUp: 0, notFinal: 0, noTruth: 0, noBattery: 0, noRoom: 0 };
  let judged = 0;
  let worst: ExchangeDeviation | null = null;
  const buildings = Object.keys(inputs.truth).sort();
  // Limits hold at every instant of the day, final interval or not.
  for (const id of buildings) for (const t of inputs.truth[id]!) violations.push(...limitViolations(id, t, inputs.limits[id] ?? {}, o));
  for (const [k, interval] of inputs.intervals.entries()) {
    if (k < (o.warmUpIntervals ?? 0)) {
      notJudged.warmUp += buildings.length;
      continue;
    }
    const startMs = Date.parse(interval.intervalStart);
    const traded = interval.final && interval.result ? tradedByParticipant(interval.result) : undefined;
    for (const id of buildings) {
      if (!traded) {
        notJudged.notFinal++;
        continue;
      }
      const t = inputs.truth[id]!.find((x) => x.startMs === startMs);
      if (!t?.extremes) {
        notJudged.noTruth++;
        continue;
      }
      const limits = inputs.limits[id] ?? {};
      if (t.extremes.minSocPercent === undefined) {
        notJudged.noBattery++;
        continue;
      }
      if (!batteryHadRoom(t, limits, o)) {
        notJudged.noRoom++;
        continue;
      }
      judged++;
      const tradedWh = traded.get(id) ?? 0;
      const meteredWh = meteredNetWh(t);
      const d: ExchangeDeviation = {
        buildingId: id,
        intervalStart: interval.intervalStart,
        tradedWh,
        meteredWh,
        deviationWh: meteredWh - tradedWh,
        toleranceWh: Math.max(rel * Math.abs(tradedWh), abs),
        batteryAutoMs: t.extremes.batteryAutoMs,
        batteryClippedMs: t.extremes.batteryClippedMs,
      };
      if (Math.abs(d.deviationWh) > d.toleranceWh) deviations.push(d);
      if (!worst || Math.abs(d.deviationWh) > Math.abs(worst.deviationWh)) worst = d;
    }
  }
  const compliant = judged - deviations.length;
  return { violations, deviations, judged, compliant, complianceShare: judged === 0 ? null : compliant / judged, notJudged, worst };
}

/**
 * A building's limits from its gateway config (plain data as read from nabo.yaml): the steered
 * battery's `limits`, and the connection's cap: the caller's, else the config's `site.connectionCapW`.
 */
export function limitsFromConfig(config: unknown, connectionCapW?: number): BuildingLimits {
  const devices = (config as { devices?: unknown } | null)?.devices;
  const configured = (config as { site?: { connectionCapW?: unknown } } | null)?.site?.connectionCapW;
  const cap = connectionCapW ?? (typeof configured === 'number' ? configured : undefined);
  const out: BuildingLimits = cap === undefined ? {} : { connectionCapW: cap };
  if (!Array.isArray(devices)) return out;
  const battery = devices.find((d: { capabilities?: unknown }) => Array.isArray(d?.capabilities) && d.capabilities.includes('battery-setpoint')) as { limits?: Record<string, unknown> } | undefined;
  const l = battery?.limits ?? {};
  for (const k of ['maxChargeW', 'maxDischargeW', 'minSocPercent', 'maxSocPercent', 'rampWPerS'] as const) if (typeof l[k] === 'number') out[k] = l[k];
  return out;
}
