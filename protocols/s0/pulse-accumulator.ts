// S0 pulse outputs (DIN 43864, IEC 62053-31): a meter closes its output once per 1/c kWh,
// c the meter constant in imp/kWh, for at least 30 ms. Energy is counted as whole pulses and
// turned into integer Wh with the remainder kept, so no rounding drifts however many pulses
// arrive; power comes from the time between two pulse starts. Pure: the caller passes time in.

export type S0Edge = 'rising' | 'falling';

export interface S0Event {
  edge: S0Edge;
  atMs: number;
}

/** Why an edge did not count: a pulse shorter than the minimum width (contact bounce, noise),
 * a pulse starting too soon after the last one ended, an edge without its partner, or time
 * going backwards. */
export type S0RejectKind = 'too-short' | 'short-pause' | 'unmatched-edge' | 'out-of-order';

export interface S0Config {
  /** Meter constant, imp/kWh (a positive integer: 1000, 800, 2000, 10000 …). */
  impulsesPerKWh: number;
  /** Shortest pulse that counts; DIN 43864 pulses last at least 30 ms. */
  minPulseWidthMs?: number;
  /** Shortest gap between two pulses that counts (0: no check). */
  minPauseMs?: number;
  /** Edge that starts a pulse as the input sees it: 'rising' unless the input is active-low. */
  pulseStartsOn?: S0Edge;
  /** Meter reading in Wh when counting began. */
  initialEnergyWh?: number;
}

export interface S0State {
  /** Pulses counted since the start. */
  pulses: number;
  activeSinceMs?: number;
  lastEventMs?: number;
  lastPulseStartMs?: number;
  lastPulseEndMs?: number;
  /** Time between the last two counted pulse starts. */
  lastIntervalMs?: number;
  /**
   * Counted pulses that came back to back (a pause no longer than SATURATION_PAUSE_RATIO times
   * the pulse): the output pulsed as fast as it can, so the energy it stands for may be more
   * than it could carry, and the count lags or drops what it could not.
   */
  saturatedPulses: number;
  /** The last counted pulse came back to back. */
  lastSaturated: boolean;
  rejected: Record<S0RejectKind, number>;
}

/** A pause at most this many times the pulse's own width means the output ran at its limit. */
export const SATURATION_PAUSE_RATIO = 1.25;

export type S0Outcome = 'counted' | 'started' | S0RejectKind;

export const INITIAL_S0_STATE: S0State = Object.freeze({
  pulses: 0,
  saturatedPulses: 0,
  lastSaturated: false,
  rejected: Object.freeze({ 'too-short': 0, 'short-pause': 0, 'unmatched-edge': 0, 'out-of-order': 0 }),
}) as S0State;

export function validateS0Config(c: S0Config): void {
  if (!Number.isSafeInteger(c.impulsesPerKWh) || c.impulsesPerKWh <= 0) throw new Error(`impulsesPerKWh must be a positive integer, got ${c.impulsesPerKWh}`);
  if (c.initialEnergyWh !== undefined && !Number.isSafeInteger(c.initialEnergyWh)) throw new Error('initialEnergyWh must be an integer');
}

function reject(s: S0State, kind: S0RejectKind, atMs: number): { state: S0State; outcome: S0Outcome } {
  const lastEventMs = kind === 'out-of-order' ? s.lastEventMs : atMs;
  return { state: { ...s, ...(lastEventMs !== undefined ? { lastEventMs } : {}), rejected: { ...s.rejected, [kind]: s.rejected[kind] + 1 } }, outcome: kind };
}

/** One edge in, the next state out (never mutates `s`). */
export function stepS0(s: S0State, e: S0Event, c: S0Config): { state: S0State; outcome: S0Outcome } {
  if (!Number.isFinite(e.atMs) || (s.lastEventMs !== undefined && e.atMs < s.lastEventMs)) return reject(s, 'out-of-order', e.atMs);
  const starts = e.edge === (c.pulseStartsOn ?? 'rising');
  if (starts) {
    if (s.activeSinceMs !== undefined) return reject(s, 'unmatched-edge', e.atMs);
    return { state: { ...s, activeSinceMs: e.atMs, lastEventMs: e.atMs }, outcome: 'started' };
  }
  if (s.activeSinceMs === undefined) return reject(s, 'unmatched-edge', e.atMs);
  const start = s.activeSinceMs;
  const { activeSinceMs: _ended, ...idle } = s;
  if (e.atMs - start < (c.minPulseWidthMs ?? 30)) return reject(idle, 'too-short', e.atMs);
  if (s.lastPulseEndMs !== undefined && start - s.lastPulseEndMs < (c.minPauseMs ?? 0)) return reject(idle, 'short-pause', e.atMs);
  const saturated = s.lastPulseEndMs !== undefined && start - s.lastPulseEndMs <= (e.atMs - start) * SATURATION_PAUSE_RATIO;
  const next: S0State = { ...idle, pulses: s.pulses + 1, lastEventMs: e.atMs, lastPulseStartMs: start, lastPulseEndMs: e.atMs, saturatedPulses: s.saturatedPulses + (saturated ? 1 : 0), lastSaturated: saturated };
  if (s.lastPulseStartMs !== undefined) next.lastIntervalMs = start - s.lastPulseStartMs;
  return { state: next, outcome: 'counted' };
}

/** Energy in whole Wh and the part of a Wh not yet complete, as a fraction numerator over impulsesPerKWh. */
export function s0Energy(s: S0State, c: S0Config): { energyWh: number; remainder: number } {
  const milli = s.pulses * 1000; // pulses × (1000 Wh/kWh); divide by imp/kWh for Wh
  return { energyWh: (c.initialEnergyWh ?? 0) + Math.floor(milli / c.impulsesPerKWh), remainder: milli % c.impulsesPerKWh };
}

/**
 * Power from the interval between the last two pulses. While no new pulse comes the power
 * can be at most one pulse's energy over the time since the last one, so it decays towards 0.
 */
export function s0PowerW(s: S0State, c: S0Config, nowMs: number): number | undefined {
  if (s.lastIntervalMs === undefined || s.lastPulseStartMs === undefined || s.lastIntervalMs <= 0) return undefined;
  const whPerPulseTimesHourMs = 3_600_000_000 / c.impulsesPerKWh; // Wh per pulse × ms per hour
  const measured = whPerPulseTimesHourMs / s.lastIntervalMs;
  const since = nowMs - s.lastPulseStartMs;
  return since > s.lastIntervalMs ? whPerPulseTimesHourMs / since : measured;
}

/** Stateful convenience around stepS0 for a gateway input. */
export class S0Accumulator {
  private s: S0State = INITIAL_S0_STATE;
  constructor(readonly config: S0Config) {
    validateS0Config(config);
  }
  feed(e: S0Event): S0Outcome {
    const r = stepS0(this.s, e, this.config);
    this.s = r.state;
    return r.outcome;
  }
  get state(): S0State {
    return this.s;
  }
  get energyWh(): number {
    return s0Energy(this.s, this.config).energyWh;
  }
  powerW(nowMs: number): number | undefined {
    return s0PowerW(this.s, this.config, nowMs);
  }
  snapshot(nowMs: number): { pulses: number; energyWh: number; remainder: number; powerW?: number; saturatedPulses: number; rejected: Record<S0RejectKind, number> } {
    const p = this.powerW(nowMs);
    return { pulses: this.s.pulses, ...s0Energy(this.s, this.config), ...(p !== undefined ? { powerW: p } : {}), saturatedPulses: this.s.saturatedPulses, rejected: { ...this.s.rejected } };
  }
}
