// Checks on decoded values that catch a wrong scaler: a power factor outside ±1, voltages or a
// frequency no grid has, and active and reactive power that V·I cannot carry (or that V·I
// dwarfs). The frame still decodes; the warnings say what looks off and by how much.
import type { QuantityValues } from '../../core/quantities.js';
import type { HanItem } from './han-frame.js';

const POWER_FACTOR_CDES = new Set(['13.7.0', '33.7.0', '53.7.0', '73.7.0']);
/** Below this apparent power rounding and snapshots taken at different instants dominate. */
const MIN_VA = 100;

function cdeOf(code: string): string {
  return code.split(':')[1]?.split('.').slice(0, 3).join('.') ?? code;
}

const round = (x: number): number => Math.round(x * 10) / 10;

export function plausibilityWarnings(values: QuantityValues, items: readonly HanItem[] = []): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (it.obis !== undefined && it.value !== undefined && POWER_FACTOR_CDES.has(cdeOf(it.obis)) && Math.abs(it.value) > 1) {
      out.push(`power factor ${it.obis} = ${it.value} is outside ±1: wrong scaler?`);
    }
  }
  if (values.powerFactor !== undefined && Math.abs(values.powerFactor) > 1 && !items.some((i) => i.obis !== undefined && cdeOf(i.obis) === '13.7.0')) {
    out.push(`power factor ${values.powerFactor} is outside ±1: wrong scaler?`);
  }
  const voltages: number[] = [];
  for (const q of ['voltageL1V', 'voltageL2V', 'voltageL3V'] as const) {
    const v = values[q];
    if (v === undefined || v === 0) continue;
    if (v < 50 || v > 500) out.push(`${q} = ${v} V is not a grid voltage: wrong scaler?`);
    else voltages.push(v);
  }
  if (values.frequencyHz !== undefined && (values.frequencyHz < 40 || values.frequencyHz > 70)) {
    out.push(`frequency ${values.frequencyHz} Hz is not a grid frequency: wrong scaler?`);
  }
  const currents = [values.currentL1A, values.currentL2A, values.currentL3A].filter((a): a is number => a !== undefined);
  if (voltages.length === 0 || currents.length === 0) return out;
  // IT grids (Norway) report no voltage on one phase; the mean of the others stands in for it.
  const vMean = voltages.reduce((a, b) => a + b, 0) / voltages.length;
  const vi = vMean * currents.reduce((a, b) => a + Math.abs(b), 0);
  const p = values.powerW !== undefined ? Math.abs(values.powerW) : (values.powerImportW ?? 0) + (values.powerExportW ?? 0);
  const q = values.reactivePowerVar !== undefined ? Math.abs(values.reactivePowerVar) : (values.reactivePowerImportVar ?? 0) + (values.reactivePowerExportVar ?? 0);
  const pq = Math.hypot(p, q);
  if (pq >= MIN_VA && pq > 1.5 * vi) {
    out.push(`P and Q (${round(pq)} VA) exceed V·I (${round(vi)} VA) ${round(pq / Math.max(vi, 1e-9))}×: a current or voltage scaler too small?`);
  } else if (vi >= 2000 && pq * 8 < vi) {
    out.push(`V·I (${round(vi)} VA) is ${round(vi / Math.max(pq, 1e-9))}× the apparent power of P and Q (${round(pq)} VA): a current or voltage scaler too large?`);
  }
  return out;
}
