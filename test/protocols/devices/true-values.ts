// Plausible true values for every quantity a definition maps, inside what each register can
// carry (its raw range × scale) and inside the gateway's sanity limits, drawn from a seed.
import { QUANTITIES, type Quantity, type QuantityValues } from '../../../core/quantities.js';
import type { DeviceDefinition, RegisterDef } from '../../../protocols/modbus/registers.js';
import { rawRange, valueFactor } from '../../../protocols/modbus/values.js';

function plausible(q: Quantity): [number, number] {
  if (q === 'powerFactor') return [-0.99, 0.99];
  if (q === 'frequencyHz') return [49.5, 50.5];
  if (q === 'socPercent') return [5, 95];
  if (q === 'temperatureC') return [5, 45];
  const unit = QUANTITIES[q];
  if (unit === 'V') return [200, 250];
  if (unit === 'A') return [0.5, 40];
  if (unit === 'Wh' || unit === 'varh') return [1e5, 5e7];
  if (unit === 'm3') return [10, 9000];
  return [-8000, 8000];
}

/** The value range a register can encode, in its quantity's unit (SunSpec scale factors chosen later). */
function encodable(r: RegisterDef): [number, number] {
  const range = rawRange(r);
  if (!range || r.scaleFactor !== undefined) return [-Infinity, Infinity];
  const f = valueFactor(r);
  const a = range[0] * f;
  const b = range[1] * f;
  return [Math.min(a, b) * 0.9, Math.max(a, b) * 0.9];
}

/** Values snapped to the register's resolution, so a decoded value can be compared exactly. */
export function trueValues(def: DeviceDefinition, seed: number): QuantityValues {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const values: QuantityValues = {};
  for (const r of def.registers) {
    if (!r.quantity) continue;
    const [pl, ph] = plausible(r.quantity);
    let [el, eh] = encodable(r);
    // A magnitude whose sign comes from a status flag, or from an opposite register, carries either sign.
    if (r.signFrom || r.opposite) el = -eh;
    const lo = Math.max(pl, el);
    const hi = Math.min(ph, eh);
    let v = lo + (hi - lo) * next();
    if (r.type !== 'float32' && r.type !== 'float64' && r.scaleFactor === undefined) {
      const step = Math.abs(valueFactor(r));
      v = Math.round(v / step) * step;
    }
    values[r.quantity] = v;
  }
  return values;
}

/** How far a decoded value may be from the truth: half a step of the register, or float rounding. */
export function tolerance(r: RegisterDef, v: number): number {
  if (r.type === 'float32') return Math.abs(v) * 2 ** -23 + 1e-9;
  if (r.type === 'float64') return Math.abs(v) * 2 ** -52 + 1e-12;
  // A SunSpec scale factor is chosen per image: at worst one unit of the value's own magnitude / 1000.
  if (r.scaleFactor !== undefined) return Math.max(Math.abs(v) * 1e-3, 1e-3);
  return Math.abs(valueFactor(r)) / 2 + 1e-9;
}
