// Sanity checks between a decoded value and the store: a value that fails is counted and
// logged with the device and reason, never stored as a number. A counter that drops is told
// apart: a wrap at its register's width is unwrapped (the stored counter keeps rising), a drop
// to near zero is a reset and a new meter serial a swap (both re-baseline), and a drop that
// persists for a few readings is a new baseline too; each is reported as a counter event.
// A single low reading stays a rejection, so a glitch never becomes a baseline.
import type { Quantity, QuantityValues } from '../../core/quantities.js';
import type { DeviceDefinition } from '../../protocols/modbus/registers.js';
import { valueFactor } from '../../protocols/modbus/values.js';

export type SanityReason = 'not-finite' | 'counter-went-backwards' | 'power-above-rating' | 'timestamp-not-sane' | 'out-of-range';

export interface SanityRejection {
  quantity: Quantity | 'timestamp';
  value: number;
  reason: SanityReason;
  detail: string;
}

export interface SanityState {
  /** Last accepted value of each counter (unwrapped: offset included). */
  lastCounters: Partial<Record<Quantity, number>>;
  /** Added to a counter's raw value: whole register widths it has wrapped. */
  counterOffsets?: Partial<Record<Quantity, number>>;
  /** Readings in a row below the last good value, per counter, and the latest of them. */
  drops?: Partial<Record<Quantity, { count: number; lastRaw: number }>>;
  /** The meter's serial as last seen. */
  meterId?: string;
}

export type CounterEventKind = 'reset' | 'wrap' | 'meter-replaced';

/** A counter re-baselined (or a meter swapped): acquisition records it and raises an alarm. */
export interface CounterEventNote {
  /** The counter, or 'meter' for a swap (every counter re-baselined). */
  quantity: Quantity | 'meter';
  kind: CounterEventKind;
  fromValue: number | null;
  toValue: number | null;
  detail: string;
}

export interface SanityLimits {
  /** Rated power of the device, W; powers beyond 1.5× of it are rejected. */
  ratedPowerW?: number;
  /** How far a meter's own clock may be from ours before the frame time is refused. */
  maxClockSkewMs?: number;
  /** Width of each counter's register in the counter's unit (2^32 × scale for a 32-bit register). */
  counterModulus?: Partial<Record<Quantity, number>>;
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

/** A drop to at most this share of the last value is a reset (a new or cleared meter starts near 0). */
const RESET_NEAR_ZERO_SHARE = 0.02;
/** A wrap: the counter moved forward by less than this share of its register's width across it. */
const WRAP_MAX_STEP_SHARE = 0.01;
/** Readings in a row below the last good value (and rising among themselves) that make a new baseline. */
export const DROP_CONFIRM_READINGS = 3;

/** Register widths of a Modbus definition's integer counters, in the counters' units. */
export function counterModuli(definition: Pick<DeviceDefinition, 'registers'>): Partial<Record<Quantity, number>> {
  const bits: Partial<Record<string, number>> = { u16: 16, i16: 16, u32: 32, i32: 32, acc32: 32 };
  const out: Partial<Record<Quantity, number>> = {};
  for (const r of definition.registers) {
    const width = bits[r.type];
    // A runtime scale factor (SunSpec sunssf) makes the width unknown here.
    if (!r.quantity || !COUNTERS.has(r.quantity) || width === undefined || r.scaleFactor !== undefined) continue;
    out[r.quantity] = 2 ** width * valueFactor(r);
  }
  return out;
}

/**
 * Starts a counter from the last value stored before this process ran, so a reset, wrap or swap
 * while the gateway was stopped is seen too. A stored value past the register's width carries
 * the whole widths it had wrapped as the offset.
 */
export function seedCounter(state: SanityState, quantity: Quantity, storedValue: number, modulus?: number): void {
  if (state.lastCounters[quantity] !== undefined) return;
  state.lastCounters[quantity] = storedValue;
  if (modulus !== undefined && storedValue >= modulus) (state.counterOffsets ??= {})[quantity] = Math.floor(storedValue / modulus) * modulus;
}

/** Notes a frame's meter serial; a different one than before is a swap: every counter re-baselines. */
export function noteMeterId(state: SanityState, meterId: string | undefined): CounterEventNote | undefined {
  if (meterId === undefined) return undefined;
  const before = state.meterId;
  state.meterId = meterId;
  if (before === undefined || before === meterId) return undefined;
  state.lastCounters = {};
  state.counterOffsets = {};
  state.drops = {};
  return { quantity: 'meter', kind: 'meter-replaced', fromValue: null, toValue: null, detail: `meter serial changed from ${before} to ${meterId}` };
}

type CounterVerdict = { value: number; event?: CounterEventNote } | { rejection: SanityRejection };

/** A counter's value against the last good one: accepted (maybe unwrapped or re-baselined) or rejected. */
function checkCounter(name: Quantity, raw: number, state: SanityState, limits: SanityLimits): CounterVerdict {
  const offsets = (state.counterOffsets ??= {});
  const drops = (state.drops ??= {});
  const offset = offsets[name] ?? 0;
  const value = raw + offset;
  const last = state.lastCounters[name];
  if (last === undefined || value >= last) {
    delete drops[name];
    state.lastCounters[name] = value;
    return { value };
  }
  const modulus = limits.counterModulus?.[name];
  if (modulus !== undefined && value + modulus >= last && value + modulus - last <= modulus * WRAP_MAX_STEP_SHARE) {
    offsets[name] = offset + modulus;
    delete drops[name];
    state.lastCounters[name] = value + modulus;
    return { value: value + modulus, event: { quantity: name, kind: 'wrap', fromValue: last, toValue: value + modulus, detail: `${name} wrapped at its register's width (${modulus}); unwrapped` } };
  }
  const rebaseline = (detail: string): CounterVerdict => {
    offsets[name] = 0;
    delete drops[name];
    state.lastCounters[name] = raw;
    return { value: raw, event: { quantity: name, kind: 'reset', fromValue: last, toValue: raw, detail } };
  };
  if (raw <= Math.max(0, last - offset) * RESET_NEAR_ZERO_SHARE) return rebaseline(`${name} reset: ${raw} after ${last}`);
  const drop = drops[name];
  const count = drop && raw >= drop.lastRaw ? drop.count + 1 : 1;
  drops[name] = { count, lastRaw: raw };
  if (count >= DROP_CONFIRM_READINGS) return rebaseline(`${name} stayed below its last value ${last} for ${count} readings; new baseline ${raw}`);
  return { rejection: { quantity: name, value: raw, reason: 'counter-went-backwards', detail: `${name} ${raw} < last ${last}` } };
}

/** Splits decoded values into accepted ones and rejections, updating the counter state. */
export function checkValues(
  values: QuantityValues,
  state: SanityState,
  limits: SanityLimits,
  timing?: { nowMs: number; meterTimeMs?: number },
): { accepted: QuantityValues; rejected: SanityRejection[]; events: CounterEventNote[]; flags: string[] } {
  const accepted: QuantityValues = {};
  const rejected: SanityRejection[] = [];
  const events: CounterEventNote[] = [];
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
      const verdict = checkCounter(name, value, state, limits);
      if ('rejection' in verdict) {
        rejected.push(verdict.rejection);
        continue;
      }
      if (verdict.event) events.push(verdict.event);
      accepted[name] = verdict.value;
      continue;
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
  return { accepted, rejected, events, flags };
}
