// Frozen values: a meter whose firmware hangs, or a gateway in front of it that keeps serving
// a cached image, answers every read with the same numbers. A live meter's measurements move
// (a float32 voltage changes in its last digits within seconds; power flows), so the same
// values for several minutes while it reports voltage or a non-zero power mean they are not
// being measured any more. Pure: the caller passes time in.
import type { Quantity, QuantityValues } from '../../core/quantities.js';

/** Same values this long (clock ms) mean stale. */
export const STALE_AFTER_MS = 5 * 60_000;

const MOVING: readonly Quantity[] = ['voltageL1V', 'voltageL2V', 'voltageL3V', 'currentL1A', 'currentL2A', 'currentL3A', 'frequencyHz'];
const POWERS: readonly Quantity[] = ['powerW', 'powerImportW', 'powerExportW', 'pvAcPowerW', 'batteryPowerW'];

interface Track {
  signature: string;
  sinceMs: number;
  stale: boolean;
}

export type StaleOutcome = 'fresh' | 'unchanged' | 'became-stale' | 'stale' | 'recovered';

/** Per device and per shape of frame (a fast and a slow poll group read different quantities). */
export class StaleDetector {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly staleAfterMs = STALE_AFTER_MS) {}

  observe(deviceId: string, values: QuantityValues, atMs: number): StaleOutcome {
    const names = (Object.keys(values) as Quantity[]).sort();
    // Only frames that should move can be judged: voltages and currents, or power flowing.
    const shouldMove = names.some((q) => MOVING.includes(q)) || names.some((q) => POWERS.includes(q) && values[q] !== 0);
    if (!shouldMove) return 'fresh';
    const key = `${deviceId}|${names.join(',')}`;
    const signature = names.map((q) => String(values[q])).join(',');
    const t = this.tracks.get(key);
    if (!t || t.signature !== signature) {
      this.tracks.set(key, { signature, sinceMs: atMs, stale: false });
      return t?.stale ? 'recovered' : 'fresh';
    }
    if (t.stale) return 'stale';
    if (atMs - t.sinceMs < this.staleAfterMs) return 'unchanged';
    t.stale = true;
    return 'became-stale';
  }
}
