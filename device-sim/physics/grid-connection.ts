// What a three-phase meter at the grid connection sees at one instant: per-phase active and
// reactive power, voltages that sag under import and rise under export, currents, frequency.
// Single-phase appliances make the load uneven across phases (per-building weights); PV
// inverters and batteries are three-phase and symmetric. Sign: import positive.
import { valueNoise } from '../random.js';
import type { QuantityValues } from '../../core/quantities.js';

export interface ConnectionInput {
  loadW: number;
  /** Load power factor (inductive); heating elements are close to 1. */
  loadPowerFactor: number;
  pvW: number;
  /** Generator convention: positive discharges into the building. */
  batteryW: number;
  /** Share of the load on L1, L2, L3 (sums to 1). */
  phaseWeights: readonly [number, number, number];
}

export const NOMINAL_VOLTAGE_V = 230;
/** Line and transformer impedance seen from the connection, Ω (resistive part). */
const SOURCE_RESISTANCE_OHM = 0.15;

export interface PhaseValues {
  powerW: number;
  reactivePowerVar: number;
  voltageV: number;
  currentA: number;
}

/** Grid frequency: the Nordic grid wanders within ±0.1 Hz; shared by everyone on `gridSeed`. */
export function gridFrequencyHz(gridSeed: number, atMs: number): number {
  return 50 + 0.04 * valueNoise(gridSeed ^ 0xf4e9, atMs / 45_000) + 0.015 * valueNoise(gridSeed ^ 0x1f3, atMs / 4_000);
}

export function phaseValues(input: ConnectionInput, seed: number, atMs: number): [PhaseValues, PhaseValues, PhaseValues] {
  const tanPhi = Math.tan(Math.acos(Math.min(1, Math.max(0.5, input.loadPowerFactor))));
  const out: PhaseValues[] = [];
  for (let i = 0; i < 3; i++) {
    const loadPhaseW = input.loadW * (input.phaseWeights[i] as number);
    const powerW = loadPhaseW - input.pvW / 3 - input.batteryW / 3;
    const reactivePowerVar = loadPhaseW * tanPhi;
    // Feeder voltage drifts slowly around nominal (plus a few volts), then the building's own
    // current pulls it down (import) or pushes it up (export).
    const feederV = NOMINAL_VOLTAGE_V + 3 + 2.5 * valueNoise(seed ^ (0xa11 + i), atMs / 600_000);
    const voltageV = feederV - (SOURCE_RESISTANCE_OHM * powerW) / feederV;
    const currentA = Math.hypot(powerW, reactivePowerVar) / voltageV;
    out.push({ powerW, reactivePowerVar, voltageV, currentA });
  }
  return out as [PhaseValues, PhaseValues, PhaseValues];
}

/** The instantaneous quantities of a three-phase grid meter (no energy counters). */
export function gridMeterInstant(phases: readonly [PhaseValues, PhaseValues, PhaseValues], frequencyHz: number): QuantityValues {
  const [l1, l2, l3] = phases;
  const powerW = l1.powerW + l2.powerW + l3.powerW;
  const reactivePowerVar = l1.reactivePowerVar + l2.reactivePowerVar + l3.reactivePowerVar;
  const apparentPowerVA = phases.reduce((s, p) => s + p.voltageV * p.currentA, 0);
  return {
    powerW,
    powerImportW: Math.max(0, powerW),
    powerExportW: Math.max(0, -powerW),
    powerL1W: l1.powerW,
    powerL2W: l2.powerW,
    powerL3W: l3.powerW,
    reactivePowerVar,
    reactivePowerImportVar: Math.max(0, reactivePowerVar),
    reactivePowerExportVar: Math.max(0, -reactivePowerVar),
    reactivePowerL1Var: l1.reactivePowerVar,
    reactivePowerL2Var: l2.reactivePowerVar,
    reactivePowerL3Var: l3.reactivePowerVar,
    apparentPowerVA,
    powerFactor: apparentPowerVA > 0 ? Math.min(1, Math.abs(powerW) / apparentPowerVA) : 1,
    voltageL1V: l1.voltageV,
    voltageL2V: l2.voltageV,
    voltageL3V: l3.voltageV,
    currentL1A: l1.currentA,
    currentL2A: l2.currentA,
    currentL3A: l3.currentA,
    // Phase currents 120° apart (same power factor) leave this much on the neutral.
    currentNA: Math.sqrt(Math.max(0, l1.currentA ** 2 + l2.currentA ** 2 + l3.currentA ** 2 - l1.currentA * l2.currentA - l2.currentA * l3.currentA - l3.currentA * l1.currentA)),
    frequencyHz,
  };
}
