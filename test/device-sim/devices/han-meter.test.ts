import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { HanMeter, hanListAt } from '../../../device-sim/devices/han-meter.js';
import { createHanReader, type HanFrame, type HanLayout } from '../../../protocols/han/index.js';
import type { Quantity, QuantityValues } from '../../../core/quantities.js';
import { SerialTestClient } from '../transports/serial-test-client.js';
import { requireTool } from '../transports/tools.js';

// Values on every layout's resolution grid (whole V and W, 0.1 A, 10 Wh), so decoding gives them back exactly.
const TRUTH: QuantityValues = {
  powerW: 1234,
  powerImportW: 1234,
  powerExportW: 0,
  reactivePowerVar: 120,
  reactivePowerImportVar: 120,
  reactivePowerExportVar: 0,
  currentL1A: 5.3,
  currentL2A: 4.1,
  currentL3A: 2.2,
  voltageL1V: 231,
  voltageL2V: 229,
  voltageL3V: 232,
  energyImportWh: 12_345_670,
  energyExportWh: 10_000,
  reactiveEnergyImportVarh: 50_000,
  reactiveEnergyExportVarh: 20_000,
};

// 07:59:50 Oslo summer time is 05:59:50 UTC; the hour turns 10 s in.
const START = Date.UTC(2026, 5, 15, 5, 59, 50);
const LIST3 = 10_000;

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const KEYS = {
  encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
  systemTitle: Uint8Array.from([0x4b, 0x46, 0x4d, 0x10, 0x20, 0x00, 0x00, 0x01]),
};

async function setup(layout: HanLayout, truth: () => QuantityValues = () => TRUTH, encrypted = false) {
  const clock = new SimulatedClock({ startMs: START });
  const meter = await HanMeter.open(
    { identity: { deviceId: `han-${layout}`, meterId: '7359992890941742', model: layout === 'kamstrup' ? '6841131BN243101040' : 'MA304H3E' }, truth, clock },
    encrypted ? { layout, encryption: KEYS } : { layout },
  );
  cleanup.push(() => meter.close());
  const client = await SerialTestClient.open(meter.endpoint().path, 2400);
  cleanup.push(() => client.close());
  const reader = createHanReader(encrypted ? { encryptionKey: KEYS.encryptionKey, authenticationKey: KEYS.authenticationKey } : {});
  const frames: HanFrame[] = [];
  const rejected: string[] = [];
  const pump = async () => {
    for (;;) {
      const chunk = await client.take(1);
      for (const r of reader.push(chunk)) {
        if (r.result.ok) frames.push(r.result.value);
        else rejected.push(r.result.error.kind);
      }
    }
  };
  void pump().catch(() => undefined);
  return { clock, meter, frames, rejected };
}

function expectTruth(frame: HanFrame) {
  const entries = Object.entries(frame.values) as Array<[Quantity, number]>;
  expect(entries.length).toBeGreaterThan(0);
  for (const [q, v] of entries) expect(v, q).toBeCloseTo(TRUTH[q] as number, 6);
}

describe('simulated HAN meters on a pty (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('pushes list 1 every 2 s, list 2 every 10 s and list 3 at ten past the hour', () => {
    const lists = [];
    for (let t = START; t <= START + 30_000; t += 2000) lists.push(hanListAt(t, true));
    expect(lists).toEqual([2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 1, 1, 2]);
    expect(hanListAt(START + 2000, false)).toBeUndefined();
  });

  for (const layout of ['aidon', 'kaifa', 'kamstrup'] as const) {
    it(`${layout}: every frame of half a minute around the hour decodes to the truth`, async () => {
      const { clock, meter, frames, rejected } = await setup(layout);
      await clock.advance(30_000);
      const expected = layout === 'kamstrup' ? 4 : 16;
      await vi.waitFor(() => expect(frames.length + rejected.length).toBe(expected), { timeout: 5000 });
      expect(rejected).toEqual([]);
      expect(meter.framesSent).toBe(expected);
      const lists = frames.map((f) => f.list);
      expect(lists.filter((l) => l === 3)).toHaveLength(1);
      expect(lists.filter((l) => l === 2)).toHaveLength(3);
      for (const f of frames) expectTruth(f);
      const list3 = frames.find((f) => f.list === 3)!;
      expect(list3.values.energyImportWh).toBe(TRUTH.energyImportWh);
      expect(list3.meterTimeMs).toBe(START + 20_000);
      expect(frames.find((f) => f.list === 2)!.meterId).toBe('7359992890941742');
    });
  }

  it('shifts the meter clock by the clock-skew fault and breaks the FCS under crc-error', async () => {
    const { clock, meter, frames, rejected } = await setup('kaifa');
    meter.faults.set({ kind: 'clock-skew', skewMs: -90_000 });
    await clock.advance(10_000);
    await vi.waitFor(() => expect(frames.length).toBe(6), { timeout: 5000 });
    // Kaifa carries its clock in every list's header.
    expect(frames.map((f) => f.meterTimeMs! - START)).toEqual([0, 2000, 4000, 6000, 8000, 10_000].map((t) => t - 90_000));
    meter.faults.set({ kind: 'crc-error' });
    await clock.advance(4000);
    // The splitter reports a run of bad bytes once the next good frame shows where it ends.
    meter.faults.clear('crc-error');
    await clock.advance(2000);
    await vi.waitFor(() => expect(frames).toHaveLength(7), { timeout: 5000 });
    expect(meter.framesSent).toBe(9);
    expect(rejected.length).toBeGreaterThan(0);
    expect(new Set(rejected)).toEqual(new Set(['fcs']));
  });

  it('pushes encrypted frames (general-glo-ciphering) that decode with the keys to the truth', async () => {
    const { clock, frames, rejected } = await setup('kaifa', () => TRUTH, true);
    await clock.advance(10_000);
    await vi.waitFor(() => expect(frames.length + rejected.length).toBe(6), { timeout: 5000 });
    expect(rejected).toEqual([]);
    expect(frames.every((f) => f.encrypted)).toBe(true);
    for (const f of frames) expectTruth(f);
  });

  it('stops pushing under no-answer and pushes frozen values while frozen', async () => {
    let powerW = 1234;
    const { clock, meter, frames } = await setup('aidon', () => ({ ...TRUTH, powerW, powerImportW: powerW }));
    meter.faults.set({ kind: 'no-answer' });
    await clock.advance(10_000);
    expect(meter.framesSent).toBe(0);
    meter.faults.clear();
    meter.faults.set({ kind: 'frozen-values' });
    powerW = 4000;
    await clock.advance(2000);
    await vi.waitFor(() => expect(frames).toHaveLength(1), { timeout: 5000 });
    expect(frames[0]!.values.powerImportW).toBe(1234);
    meter.faults.clear();
    await clock.advance(2000);
    await vi.waitFor(() => expect(frames).toHaveLength(2), { timeout: 5000 });
    expect(frames[1]!.values.powerImportW).toBe(4000);
  });

  it('keeps its frames on the 2 s / 10 s grid under a clock that runs by itself and started before the meter', async () => {
    // A fleet at --speed 60 starts its clock, then its devices, at an instant off the grid.
    const clock = new SimulatedClock({ startMs: START + 1234, speed: 200 });
    clock.start();
    cleanup.push(() => clock.stop());
    const meter = await HanMeter.open({ identity: { deviceId: 'han-kaifa', meterId: '7359992890941742', model: 'MA304H3E' }, truth: () => TRUTH, clock }, { layout: 'kaifa' });
    cleanup.push(() => meter.close());
    const client = await SerialTestClient.open(meter.endpoint().path, 2400);
    cleanup.push(() => client.close());
    const reader = createHanReader({});
    const frames: HanFrame[] = [];
    void (async () => {
      for (;;) for (const r of reader.push(await client.take(1))) if (r.result.ok) frames.push(r.result.value);
    })().catch(() => undefined);
    await vi.waitFor(() => expect(frames.filter((f) => f.list === 2).length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 20 });
    // Kaifa carries its clock in every list's header: every frame sits on its list's grid.
    for (const f of frames) expect(f.meterTimeMs! % ({ 1: 2000, 2: 10_000, 3: 3_600_000 } as const)[f.list], `list ${f.list}`).toBe(f.list === 3 ? LIST3 : 0);
    expect(frames.filter((f) => f.list === 1).length).toBeGreaterThan(0);
  });
});
