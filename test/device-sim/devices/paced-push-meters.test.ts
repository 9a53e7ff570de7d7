// Paced HAN and P1 meters (needs socat for their ptys): a list 2 or telegram once a period, the
// HAN list 3 with the counters at hh:00:10, each the real encoder's bytes for the truth then.
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { createHanReader } from '../../../protocols/han/index.js';
import { decodeP1Telegram } from '../../../protocols/dsmr/index.js';
import { PacedHanMeter, PacedP1Meter } from '../../../device-sim/devices/paced-push-meters.js';
import { requireTool } from '../transports/tools.js';

const T0 = Date.UTC(2026, 5, 21, 10, 58, 30);
const identity = { deviceId: 'ams', meterId: '6970631400000000', model: 'MA304H3E', manufacturer: 'Kaifa' };
const truthAt = (atMs: number) => ({ energyImportWh: 1_000_000 + Math.floor((atMs - T0) / 1000), energyExportWh: 5000, powerW: 3600 });
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

describe('paced push meters (needs socat)', () => {
  it('a HAN meter sends list 2 each minute and list 3 with the true counters at hh:00:10, nothing between', async () => {
    requireTool('socat');
    const clock = new SimulatedClock({ startMs: T0 });
    const meter = await PacedHanMeter.open({ identity, truth: () => truthAt(clock.now()), clock }, 'kaifa', 60_000);
    closers.push(() => meter.close());
    const reader = createHanReader();
    const seen: Array<{ atMs: number; list: number; importWh: number | undefined }> = [];
    meter.onFrame((frame, atMs) => {
      for (const r of reader.push(frame)) {
        if (!r.result.ok) throw new Error(r.result.error.detail);
        seen.push({ atMs, list: r.result.value.list, importWh: r.result.value.values.energyImportWh });
      }
    });
    await clock.advanceTo(Date.UTC(2026, 5, 21, 11, 2, 0));
    const t = (m: number, s = 0) => Date.UTC(2026, 5, 21, 10, m, s);
    expect(seen).toEqual([
      { atMs: t(59), list: 2, importWh: undefined },
      { atMs: t(60), list: 2, importWh: undefined },
      { atMs: t(60, 10), list: 3, importWh: truthAt(t(60, 10)).energyImportWh },
      { atMs: t(61), list: 2, importWh: undefined },
      { atMs: t(62), list: 2, importWh: undefined },
    ]);
    expect(meter.framesSent).toBe(5);
    expect(meter.endpoint()).toMatchObject({ transport: 'han', baudRate: 2400, parity: 'even' });
  });

  it('a P1 meter sends one telegram per period with the true counters', async () => {
    requireTool('socat');
    const clock = new SimulatedClock({ startMs: T0 });
    const meter = await PacedP1Meter.open({ identity: { ...identity, deviceId: 'p1' }, truth: () => truthAt(clock.now()), clock }, '4.2', 60_000);
    closers.push(() => meter.close());
    const seen: Array<{ atMs: number; importWh: number | undefined }> = [];
    meter.onFrame((frame, atMs) => {
      const r = decodeP1Telegram(frame);
      if (!r.ok) throw new Error(r.error.detail);
      seen.push({ atMs, importWh: r.value.values.energyImportWh });
    });
    await clock.advanceTo(T0 + 150_000);
    expect(seen.map((s) => s.atMs - T0)).toEqual([30_000, 90_000, 150_000]);
    for (const s of seen) expect(s.importWh).toBe(truthAt(s.atMs).energyImportWh);
  });
});
