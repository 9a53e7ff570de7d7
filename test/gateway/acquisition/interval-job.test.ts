
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { IntervalJob } from '../../../gateway/acquisition/interval-job.js';
import { Store } from '../../../gateway/store/store.js';

afterAll(removeTempFolders);

const Q = 900_000;
const T0 = Date.UTC(2026, 5, 21, 10);
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

function setup(): { store: Store; job: IntervalJob } {
  store = Store.open(join(tempFolder('nabo-interval-job-'), 'nabo.db'));
  const clock = new SimulatedClock({ startMs: T0 });
  const job = new IntervalJob(clock, store, { intervalMs: Q, deviceIds: () => ['s0', 'grid'], maxBracketMs: 120_001, graceMs: 65_000 });
  return { store, job };
}

function add(s: Store, deviceId: string, quantity: 'energyImportWh' | 'energyExportWh', atMs: number, value: number): void {
  s.readings.add({ deviceId, quantity, unit: 'Wh', atMs, value });
}

describe('interval job', () => {
  it('gives an import-only meter (an S0 input) its import energy, with export unknown rather than a gap', () => {
    const { store: s, job } = setup();
    for (let t = T0; t <= T0 + Q; t += 60_000) add(s, 's0', 'energyImportWh', t, 5000 + (t - T0) / 6000);
    const [row] = job.compute(T0).filter((r) => r.deviceId === 's0');
    expect(row).toMatchObject({ importWh: 150, exportWh: null, gap: false, gapReason: null });
  });

  it('still marks a gap when a meter that reports both counters misses one of them at a boundary', () => {
    const { store: s, job } = setup();
    for (let t = T0; t <= T0 + Q; t += 60_000) add(s, 'grid', 'energyImportWh', t, 1000 + (t - T0) / 60_000);
    // Export was read once, long before: the meter has the counter, so its silence is a gap.
    add(s, 'grid', 'energyExportWh', T0 - 3_600_000, 42);
    const [row] = job.compute(T0).filter((r) => r.deviceId === 'grid');
    expect(row).toMatchObject({ importWh: 15, exportWh: null, gap: true });
    expect(row?.gapReason).toMatch(/^export: no-reading-at-start/);
  });
});
