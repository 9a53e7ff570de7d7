// Sanity checks between a decoded value and the store: a value that fails is counted and
// logged with the device and reason, never stored as a number.
import type { Quantity, QuantityValues } from '../../core/quantities.js';

export type SanityReason = 'not-finite' | 'counter-went-backwards' | 'power-above-rating' | 'timestamp-not-sane' | 'out-of-range';

export interface SanityRejection {
  quantity: Quantity | 'timestamp';
  value: number;
  reason: SanityReason;
  detail: string;
}

export interface SanityState {
  /** Last accepted value of each counter. */
  lastCounters: Partial<Record<Quantity, number>>;
}

export interface SanityLimits {
  /** Rated power of the device, W; powers beyond 1.5× of it are rejected. */
  ratedPowerW?: number;
  /** How far a meter's own clock may be from ours before the frame time is refused. */
  maxClockSkewMs?: number;
  /** How far it may be before the frame is flagged 'clock-skew' (its values are still taken, stamped with our time). */
  flagClockSkewMs?: number;
}

const COUNTERS: ReadonlySet<Quantity> = new Set<Quantity>(['energyImportWh', 'energyExportWh', 'reactiveEnergyImportVarh', 'reactiveEnergyExportVarh', 'pvEnergyWh', 'gasM3', 'waterM3', 'heatEnergyWh']);
const POWERS: ReadonlySet<Quantity> = new Set<Quantity>(['powerW', 'powerImportW', 'powerExportW', 'powerL1W', 'powerL2W', 'powerL3W', 'batteryPowerW', 'pvDcPowerW', 'pvAcPowerW', 'apparentPowerVA']);
const RANGES: Partial<Record<Quantity, [number, number]>> = {
  socPercent: [0, 100],
  frequencyHz: [40, 70],
  voltageL1V: [0, 500],
  voltageL2V: [0, 500],
  voltageL3V: [0, 500],
  powerFactor: [-1.0001, 1.0001],
};

/** A meter clock further off than this is flagged (HAN and P1 stamp to the second; a minute is a wrong clock, not latency). */
export const DEFAULT_FLAG_CLOCK_SKEW_MS = 60_000;

export function isCounter(q: Quantity): boolean {
  return COUNTERS.has(q);
}

/** Splits decoded values into accepted ones and rejections, updating the counter state. */
export function checkValues(
  values: QuantityValues,
  state: SanityState,
  limits: SanityLimits,
  timing?: { nowMs: number; meterTimeMs?: number },
): { accepted: QuantityValues; rejected: SanityRejection[]; flags: string[] } {
  const accepted: QuantityValues = {};
  const rejected: SanityRejection[] = [];
  const flags: string[] = [];
  if (timing?.meterTimeMs !== undefined) {
    const skew = Math.abs(timing.meterTimeMs - timing.nowMs);
    const max = limits.maxClockSkewMs ?? 24 * 3_600_000;
    if (skew > max) rejected.push({ quantity: 'timestamp', value: timing.meterTimeMs, reason: 'timestamp-not-sane', detail: `meter clock is ${Math.round(skew / 1000)} s off` });
    else if (skew > (limits.flagClockSkewMs ?? DEFAULT_FLAG_CLOCK_SKEW_MS)) flags.push('clock-skew');
  }
  for (const [name, value] of Object.entries(values) as Array<[Quantity, number]>) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      rejected.push({ quantity: name, value, reason: 'not-finite', detail: `${name} is ${String(value)}` });
      continue;
    }
    if (COUNTERS.has(name)) {
      const last = state.lastCounters[name];
      if (last !== undefined && value < last) {
        rejected.push({ quantity: name, value, reason: 'counter-went-backwards', detail: `${name} ${value} < last ${last}` });
        continue;
      }
      state.lastCounters[name] = value;
    }
    if (limits.ratedPowerW !== undefined && POWERS.has(name) && Math.abs(value) > limits.ratedPowerW * 1.5) {
      rejected.push({ quantity: name, value, reason: 'power-above-rating', detail: `${name} ${value} W beyond 1.5 × rating ${limits.ratedPowerW} W` });
      continue;
    }
    const range = RANGES[name];
    if (range && (value < range[0] || value > range[1])) {
      rejected.push({ quantity: name, value, reason: 'out-of-range', detail: `${name} ${value} outside ${range[0]}..${range[1]}` });
      continue;
    }
    accepted[name] = value;
  }
  return { accepted, rejected, flags };
}
