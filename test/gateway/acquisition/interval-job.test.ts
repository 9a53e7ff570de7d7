import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { IntervalJob } from '../../../gateway/acquisition/interval-job.js';
import { Store } from '../../../gateway/store/store.js';
import type { IntervalEnergyRow } from '../../../gateway/store/intervals.js';
import { Acquisition } from '../../../gateway/acquisition/acquisition.js';
import { hanDecoder } from '../../../gateway/acquisition/push-decoders.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { encodeHanFrame } from '../../../protocols/han/index.js';
import { hanListAt } from '../../../device-sim/devices/han-meter.js';
import { integratePowerWh } from '../../../gateway/acquisition/power-energy.js';

afterAll(removeTempFolders);

const Q = 900_000;
const T0 = Date.UTC(2026, 5, 21, 10);
let store: Store | undefined;
let dir: string | undefined;
afterEach(() => {
  try {
    store?.close();
  } finally {
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  }
});

function openStore(): Store {
  dir = tempFolder('nabo-interval-job-');
  store = Store.open(join(dir, 'nabo.db'));
  return store;
}

function setup(): { store: Store; job: IntervalJob } {
  store = openStore();
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

const HOUR = 3_600_000;

describe('interval job: a HAN meter (counters hourly in list 3, power every 10 s in list 2)', () => {
  /** Power and counters as a HAN meter pushes them; counters only at the given instants. */
  function addHan(s: Store, fromMs: number, toMs: number, powerW: (t: number) => number, counterAt: Map<number, number>): void {
    for (let t = fromMs; t <= toMs; t += 10_000) s.readings.add({ deviceId: 'ams', quantity: 'powerImportW', unit: 'W', atMs: t, value: powerW(t) });
    for (const [t, v] of counterAt) if (t >= fromMs && t <= toMs) add(s, 'ams', 'energyImportWh', t, v);
  }

  function hanJob(s: Store, onRow?: (r: IntervalEnergyRow) => void): IntervalJob {
    const clock = new SimulatedClock({ startMs: T0 });
    return new IntervalJob(clock, s, {
      intervalMs: Q,
      deviceIds: () => [],
      maxBracketMs: 120_001,
      graceMs: 65_000,
      estimate: { deviceIds: () => ['ams'], maxPowerGapMs: 60_000 },
      ...(onRow ? { onRow } : {}),
    });
  }

  // 1, 2, 3 and 4 kW in the four quarters of 10:00-11:00: 250 + 500 + 750 + 1000 Wh by power.
  const quarterPower = (t: number): number => 1000 * (1 + Math.floor(((t - T0 + HOUR) % HOUR) / Q));
  // The meter's counter moved 2700 Wh in that hour: 8 % more than the power says.
  const counters = new Map([
    [T0, 100_000],
    [T0 + HOUR, 102_700],
  ]);

  it('estimates a quarter by integrating power while the hourly counter is still to come', () => {
    const s = openStore();
    const job = hanJob(s);
    addHan(s, T0 - 60_000, T0 + Q + 65_000, quarterPower, counters);
    const [row] = job.compute(T0);
    expect(row).toMatchObject({ deviceId: 'ams', quality: 'estimated', gap: false, exportWh: null });
    // The 10 s trapezoid across the step at 10:15 (1 kW → 2 kW) adds 1.4 Wh.
    expect(row!.importWh).toBe(251);
    expect(s.intervals.range('ams', T0, T0 + Q)[0]).toMatchObject({ quality: 'estimated', importWh: 251 });
  });

  it('reconciles the four quarters to the hourly counter difference when it arrives: in proportion, whole Wh, summing exactly', () => {
    const s = openStore();
    const emitted: IntervalEnergyRow[] = [];
    const job = hanJob(s, (r) => emitted.push(r));
    const estimates: number[] = [];
    for (let q = 0; q < 3; q++) {
      addHan(s, T0 - 60_000 + (q === 0 ? 0 : q * Q + 65_001), T0 + (q + 1) * Q + 65_000, quarterPower, counters);
      const [row] = job.compute(T0 + q * Q);
      expect(row).toMatchObject({ quality: 'estimated' });
      estimates.push(row!.importWh!);
    }
    addHan(s, T0 + 3 * Q + 65_001, T0 + HOUR + 65_000, quarterPower, counters);
    const rows = job.compute(T0 + 3 * Q);
    // The asked quarter first, then the three earlier ones, rewritten.
    expect(rows.map((r) => [r.intervalStartMs - T0, r.quality])).toEqual([
      [3 * Q, 'reconciled'],
      [0, 'reconciled'],
      [Q, 'reconciled'],
      [2 * Q, 'reconciled'],
    ]);
    const stored = s.intervals.range('ams', T0, T0 + HOUR);
    expect(stored.map((r) => r.quality)).toEqual(['reconciled', 'reconciled', 'reconciled', 'reconciled']);
    const wh = stored.map((r) => r.importWh!);
    expect(wh.every(Number.isInteger)).toBe(true);
    expect(wh.reduce((a, b) => a + b, 0)).toBe(2700);
    // In proportion to the estimates (about 250, 500, 750, 1000 Wh by power), scaled by 2700 / 2500.
    const power = s.readings.range({ deviceId: 'ams', quantity: 'powerImportW' }, T0 - Q, T0 + 2 * HOUR).map((r) => ({ atMs: r.atMs, powerW: r.value }));
    const byPower = [0, 1, 2, 3].map((i) => integratePowerWh(power, T0 + i * Q, T0 + (i + 1) * Q, 60_000)!);
    expect(byPower.slice(0, 3).map(Math.round)).toEqual(estimates);
    const sumByPower = byPower.reduce((a, b) => a + b, 0);
    wh.forEach((w, i) => expect(Math.abs(w - (2700 * byPower[i]!) / sumByPower)).toBeLessThanOrEqual(1));
    expect(emitted.filter((r) => r.quality === 'reconciled')).toHaveLength(4);
    // Nothing left to reconcile: the next boundary writes only its own quarter.
    addHan(s, T0 + HOUR + 65_001, T0 + HOUR + Q + 65_000, quarterPower, counters);
    expect(job.compute(T0 + HOUR).map((r) => [r.intervalStartMs - T0, r.quality])).toEqual([[HOUR, 'estimated']]);
  });

  it('marks a quarter without power readings or counters a gap, not an estimate of zero', () => {
    const s = openStore();
    const job = hanJob(s);
    addHan(s, T0 - 60_000, T0 + 300_000, quarterPower, counters);
    const [row] = job.compute(T0);
    expect(row).toMatchObject({ quality: 'gap', gap: true, importWh: null });
  });

  it('turns a simulated Aidon meter\'s pushed list 2 / list 3 frames into reconciled quarters within a few Wh of its true counter', () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 - 2 * HOUR });
    const acquisition = new Acquisition(clock, s, createLogger({ level: 'silent', pretty: false }));
    const decoder = hanDecoder();
    // A smooth day-like swing around 2 kW; the true counter is its exact integral.
    const P = (t: number): number => 2000 + 1500 * Math.sin((2 * Math.PI * (t - T0)) / (40 * 60_000));
    const E = (t: number): number => 5_000_000 + (2000 * (t - T0)) / HOUR - ((1500 * 40 * 60_000) / (2 * Math.PI) / HOUR) * (Math.cos((2 * Math.PI * (t - T0)) / (40 * 60_000)) - 1);
    const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => [], maxBracketMs: 120_001, graceMs: 65_000, estimate: { deviceIds: () => ['ams'], maxPowerGapMs: 60_000 } });
    const firstQuality = new Map<number, string>();
    for (let t = T0 - 2 * HOUR + 2 * 60_000; t <= T0 + HOUR + Q + 70_000; t += 10_000) {
      const list = hanListAt(t, false);
      if (list !== undefined) {
        const bytes = encodeHanFrame({ layout: 'aidon', list, meterTimeMs: t, meterId: '7359992890941742', meterModel: '6525', values: { powerImportW: Math.round(P(t)), powerExportW: 0, energyImportWh: Math.round(E(t)), energyExportWh: 0 } });
        for (const r of decoder.push(bytes)) {
          if (!r.ok) throw new Error(r.error.detail);
          acquisition.accept('ams', 'han', t, r.value, {});
        }
      }
      // The job's turn, 70 s after each boundary (a frame tick).
      if ((t - 70_000) % Q === 0 && t - 70_000 - Q >= T0) for (const r of job.compute(t - 70_000 - Q)) if (!firstQuality.has(r.intervalStartMs)) firstQuality.set(r.intervalStartMs, r.quality);
    }
    // List 3 comes at hh:00:10: each quarter of 10:00-11:00 is first estimated, then reconciled at 11:01:05.
    expect([0, 1, 2].map((i) => firstQuality.get(T0 + i * Q))).toEqual(['estimated', 'estimated', 'estimated']);
    const stored = s.intervals.range('ams', T0, T0 + HOUR);
    expect(stored).toHaveLength(4);
    for (const r of stored) {
      expect(r.quality).toBe('reconciled');
      expect(Math.abs(r.importWh! - (E(r.intervalStartMs + Q) - E(r.intervalStartMs))), new Date(r.intervalStartMs).toISOString()).toBeLessThanOrEqual(3);
      expect(r.exportWh).toBe(0);
    }
    // The quarter after the last list 3 is still an estimate, close to the truth too.
    const [next] = s.intervals.range('ams', T0 + HOUR, T0 + HOUR + Q);
    expect(next).toMatchObject({ quality: 'estimated' });
    expect(Math.abs(next!.importWh! - (E(T0 + HOUR + Q) - E(T0 + HOUR)))).toBeLessThanOrEqual(5);
  });
});

describe('interval job on a store that cannot be written', () => {
  it('keeps its schedule when a computation fails (a full disk), reports it, and computes that interval at the next boundary', async () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 });
    const errors: Array<[string, number]> = [];
    const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => ['grid'], maxBracketMs: 120_001, graceMs: 65_000, onError: (e, start) => errors.push([(e as Error).message, start]) });
    for (let t = T0; t <= T0 + 2 * Q + 120_000; t += 60_000) add(s, 'grid', 'energyImportWh', t, 1000 + (t - T0) / 60_000);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const put = s.intervals.put.bind(s.intervals);
    let failing = true;
    s.intervals.put = (rows) => {
      if (failing) throw full;
      put(rows);
    };
    job.start();
    await clock.advance(Q + 65_000);
    // The job's first turn (at 10:01:05, for 09:45) failed too, and was tried again with 10:00.
    expect(errors).toEqual([
      ['database or disk is full', T0 - Q],
      ['database or disk is full', T0 - Q],
      ['database or disk is full', T0],
    ]);
    expect(job.retrying).toEqual([T0 - Q, T0]);
    failing = false;
    await clock.advance(Q);
    job.stop();
    expect(s.intervals.range('grid', T0, T0 + 2 * Q).map((r) => [r.intervalStartMs - T0, r.importWh, r.quality])).toEqual([
      [0, 15, 'measured'],
      [Q, 15, 'measured'],
    ]);
    expect(job.retrying).toEqual([]);
  });
});

describe('interval job: PV inverters', () => {
  it("turns a PV inverter's production counter (pvEnergyWh) into its interval export", () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 });
    for (let t = T0 - 60_000; t <= T0 + Q + 60_000; t += 60_000) s.readings.add({ deviceId: 'pv', quantity: 'pvEnergyWh', unit: 'Wh', atMs: t, value: 20_000 + (t - T0) / 1000 });
    const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => ['pv'], maxBracketMs: 120_001, graceMs: 65_000 });
    const [row] = job.compute(T0);
    expect(row).toMatchObject({ deviceId: 'pv', importWh: null, exportWh: 900, quality: 'measured' });
  });
});
