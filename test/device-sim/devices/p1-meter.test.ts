import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { P1Meter, p1PeriodMs } from '../../../device-sim/devices/p1-meter.js';
import { createP1Splitter, decodeP1Telegram, type P1EncodeVersion, type P1Telegram } from '../../../protocols/dsmr/index.js';
import type { Quantity, QuantityValues } from '../../../core/quantities.js';
import { SerialTestClient } from '../transports/serial-test-client.js';
import { requireTool } from '../transports/tools.js';

// On the grid every version prints (whole W, 0.1 V, whole A, Wh).
const TRUTH: QuantityValues = {
  powerW: 1870,
  powerImportW: 1870,
  powerExportW: 0,
  powerL1W: 1000,
  powerL2W: 520,
  powerL3W: 350,
  voltageL1V: 230.1,
  voltageL2V: 229.4,
  voltageL3V: 231,
  currentL1A: 4,
  currentL2A: 2,
  currentL3A: 1,
  energyImportWh: 4_567_891,
  energyExportWh: 1_234_567,
};
const START = Date.UTC(2026, 0, 20, 11, 0, 0);

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(version: P1EncodeVersion, truth: () => QuantityValues = () => TRUTH) {
  const clock = new SimulatedClock({ startMs: START });
  const meter = await P1Meter.open({ identity: { deviceId: `p1-${version}`, meterId: 'E0044007012345616', model: 'T211' }, truth, clock }, { version });
  cleanup.push(() => meter.close());
  const client = await SerialTestClient.open(meter.endpoint().path, meter.endpoint().baudRate);
  cleanup.push(() => client.close());
  const splitter = createP1Splitter();
  const telegrams: P1Telegram[] = [];
  const rejected: string[] = [];
  void (async () => {
    for (;;) {
      for (const t of splitter.push(await client.take(1))) {
        const d = decodeP1Telegram(t);
        if (d.ok) telegrams.push(d.value);
        else rejected.push(d.error.kind);
      }
    }
  })().catch(() => undefined);
  return { clock, meter, telegrams, rejected, splitter };
}

describe('simulated DSMR P1 meter on a pty (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('pushes every second for DSMR 5.0 and every ten seconds for 4.2', () => {
    expect(p1PeriodMs('5.0')).toBe(1000);
    expect(p1PeriodMs('4.2')).toBe(10_000);
  });

  for (const version of ['5.0', '4.2'] as const) {
    it(`DSMR ${version}: every telegram of half a minute decodes to the truth with the meter time`, async () => {
      const { clock, telegrams, rejected } = await setup(version);
      await clock.advance(30_000);
      const expected = 30_000 / p1PeriodMs(version) + 1;
      await vi.waitFor(() => expect(telegrams.length + rejected.length).toBe(expected), { timeout: 5000 });
      expect(rejected).toEqual([]);
      expect(telegrams.map((t) => t.meterTimeMs)).toEqual(Array.from({ length: expected }, (_, i) => START + i * p1PeriodMs(version)));
      for (const t of telegrams) {
        expect(t.meterId).toBe('E0044007012345616');
        const entries = Object.entries(t.values) as Array<[Quantity, number]>;
        expect(entries.length).toBeGreaterThan(8);
        for (const [q, v] of entries) if (TRUTH[q] !== undefined) expect(v, q).toBeCloseTo(TRUTH[q] as number, 6);
        expect(t.values.energyImportWh).toBe(TRUTH.energyImportWh);
      }
    });
  }

  it('counts from zero after a counter reset and keeps telegrams whole between garbage bursts', async () => {
    let importWh = TRUTH.energyImportWh!;
    const { clock, meter, telegrams, rejected, splitter } = await setup('5.0', () => ({ ...TRUTH, energyImportWh: importWh }));
    meter.faults.set({ kind: 'garbage', bytes: 40, everyMs: 700 });
    meter.faults.set({ kind: 'counter-reset' });
    importWh += 1500;
    await clock.advance(5000);
    await vi.waitFor(() => expect(telegrams).toHaveLength(6), { timeout: 5000 });
    expect(telegrams.map((t) => t.values.energyImportWh)).toEqual([1500, 1500, 1500, 1500, 1500, 1500]);
    expect(telegrams.every((t) => t.values.energyExportWh === 0)).toBe(true);
    // Garbage is thrown away by the splitter; no telegram was lost or damaged by it.
    expect(splitter.stats.discardedBytes).toBeGreaterThanOrEqual(7 * 40 - 40);
    expect(rejected).toEqual([]);
  });

  it('sends telegrams whose CRC fails under crc-error and a skewed clock under clock-skew', async () => {
    const { clock, meter, telegrams, rejected } = await setup('5.0');
    meter.faults.set({ kind: 'crc-error' });
    await clock.advance(1000);
    await vi.waitFor(() => expect(rejected).toHaveLength(2), { timeout: 5000 });
    expect(rejected).toEqual(['crc-mismatch', 'crc-mismatch']);
    meter.faults.clear();
    meter.faults.set({ kind: 'clock-skew', skewMs: 3_600_000 });
    await clock.advance(1000);
    await vi.waitFor(() => expect(telegrams).toHaveLength(1), { timeout: 5000 });
    expect(telegrams[0]!.meterTimeMs).toBe(START + 2000 + 3_600_000);
  });
});
