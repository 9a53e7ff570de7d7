// Whether a relay switches in this control period: what control wants (or the default surplus
// rule), then the guards that protect the load (minimum on and off times, switches per hour).
// Pure: the relay service feeds it the clock and the meters.
import type { RelayConfig } from './relay-config.js';

export type RelayWant = 'on' | 'off';

/**
 * The default rule when control gives no want: switch the load on when the building exports at
 * least the load's power (the heater then runs on surplus alone), and off again as soon as the
 * building imports. The band between the two keeps it from chattering.
 */
export function surplusWant(gridW: number, isOn: boolean, loadW: number): RelayWant {
  if (isOn) return gridW > 0 ? 'off' : 'on';
  return -gridW >= loadW ? 'on' : 'off';
}

export type RelayBlock = 'min-on' | 'min-off' | 'switch-limit' | 'connection-cap';

export interface RelayDecisionInput {
  relay: Pick<RelayConfig, 'minOnMs' | 'minOffMs' | 'maxSwitchesPerHour' | 'loadW'>;
  nowMs: number;
  isOn: boolean;
  /** When the relay last switched (or nabo started, which may have been just after a switch). */
  changedAtMs: number;
  /** Instants of the switches so far; only the last hour's count. */
  switchTimesMs: readonly number[];
  want: RelayWant | undefined;
  /** Grid power now (import > 0) and the connection's cap (main fuse, DSO), when both are known. */
  gridW?: number;
  connectionCapW?: number;
}

export type RelayDecision = { switchTo: boolean } | { stay: true; blockedBy?: RelayBlock; untilMs?: number };

const HOUR_MS = 3_600_000;

export function decideRelay(input: RelayDecisionInput): RelayDecision {
  const { relay, nowMs, isOn, want } = input;
  const cap = input.connectionCapW;
  const gridW = input.gridW;
  if (cap !== undefined && gridW !== undefined) {
    // The fuse comes before the equipment: a load on an overloaded connection goes off at once.
    if (isOn && gridW > cap) return { switchTo: false };
    if (!isOn && want === 'on' && gridW + relay.loadW > cap) return { stay: true, blockedBy: 'connection-cap' };
  }
  if (want === undefined || (want === 'on') === isOn) return { stay: true };
  const minMs = isOn ? relay.minOnMs : relay.minOffMs;
  if (nowMs - input.changedAtMs < minMs) return { stay: true, blockedBy: isOn ? 'min-on' : 'min-off', untilMs: input.changedAtMs + minMs };
  const lastHour = input.switchTimesMs.filter((t) => nowMs - t < HOUR_MS);
  if (lastHour.length >= relay.maxSwitchesPerHour) return { stay: true, blockedBy: 'switch-limit', untilMs: (lastHour[0] as number) + HOUR_MS };
  return { switchTo: want === 'on' };
}
