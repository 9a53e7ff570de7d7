// Counter resets, wraps and meter swaps through Acquisition: the counter keeps being read,
// an alarm goes out, the event is stored, and the interval that holds it is marked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Acquisition } from '../../../gateway/acquisition/acquisition.js';
import { IntervalJob } from '../../../gateway/acquisition/interval-job.js';
import type { SanityLimits } from '../../../gateway/acquisition/sanity.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import type { Alarm } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { Store } from '../../../gateway/store/store.js';
import { buildGateway, closeBuses, openBuses } from '../../../gateway/acquisition/build.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';

const Q = 900_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 21, 10);
let dir: string | undefined;
let store: Store | undefined;
const teardown: Array<() => unknown> = [];
afterEach(async () => {
  for (const t of teardown.splice(0).reverse()) await t();
  try {
    store?.close();
  } finally {
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  }
});

function rig(): { s: Store; acquisition: Acquisition; alarms: Alarm[]; job: IntervalJob } {
  dir = mkdtempSync(join(tmpdir(), 'nabo-counter-events-'));
  const s = (store = Store.open(join(dir, 'nabo.db')));
  const clock = new SimulatedClock({ startMs: T0 });
  const alarms: Alarm[] = [];
  const acquisition = new Acquisition(clock, s, createLogger({ level: 'silent', pretty: false }), { onAlarm: (a) => alarms.push(a) });
  const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => ['grid'], maxBracketMs: 2 * MIN + 1, graceMs: 65_000 });
  return { s, acquisition, alarms, job };
}

/** One reading a minute from 10:00 to 10:45 of `counterAt(minute)`, export steady at 0. */
function feed(acquisition: Acquisition, counterAt: (minute: number) => number, frame: (minute: number) => { meterId?: string } = () => ({}), limits: SanityLimits = {}): void {
  for (let m = 0; m <= 45; m++) acquisition.accept('grid', 'lan', T0 + m * MIN, { values: { energyImportWh: counterAt(m), energyExportWh: 0 }, ...frame(m) }, limits);
}

describe('counter resets, wraps and meter swaps', () => {
  it('re-baselines a counter reset to near zero, raises an alarm, marks its interval a gap and measures the next one', () => {
    const { s, acquisition, alarms, job } = rig();
    // 60 Wh a minute; at 10:20 the meter's counter is cleared and counts from 0 again.
    feed(acquisition, (m) => (m < 20 ? 1_000_000 + 60 * m : 60 * (m - 20) + 5));
    expect(alarms).toEqual([expect.objectContaining({ code: 'counter-reset', severity: 'warning', deviceId: 'grid', atMs: T0 + 20 * MIN })]);
    expect(s.counterEvents.within('grid', T0, T0 + 3 * Q)).toEqual([expect.objectContaining({ quantity: 'energyImportWh', kind: 'reset', fromValue: 1_000_000 + 60 * 19, toValue: 5 })]);
    expect(acquisition.health.snapshot().devices[0]?.rejectedByReason ?? {}).toEqual({});
    const rows = [0, Q, 2 * Q].map((d) => job.compute(T0 + d)[0]);
    expect(rows.map((r) => [r?.importWh, r?.quality, r?.gapReason])).toEqual([
      [900, 'measured', null],
      [null, 'gap', 'import: counter reset'],
      [900, 'measured', null],
    ]);
  });

  it('takes a counter that stays below its last value for a few readings as a new baseline, but not a single low reading', () => {
    const { acquisition, alarms, job } = rig();
    // A glitch at 10:05 (one low reading, rejected), then a swap at 10:20 to a meter at 400 000 Wh.
    feed(acquisition, (m) => (m === 5 ? 999_000 : m < 20 ? 1_000_000 + 60 * m : 400_000 + 60 * (m - 20)));
    expect(alarms.map((a) => [a.code, a.atMs])).toEqual([['counter-reset', T0 + 22 * MIN]]);
    expect(acquisition.health.snapshot().devices[0]?.rejectedByReason).toEqual({ 'counter-went-backwards': 3 });
    expect(job.compute(T0)[0]).toMatchObject({ importWh: 900, quality: 'measured' });
    expect(job.compute(T0 + Q)[0]).toMatchObject({ importWh: null, quality: 'gap' });
    expect(job.compute(T0 + 2 * Q)[0]).toMatchObject({ importWh: 900, quality: 'measured' });
  });

  it('unwraps a counter at its register width: no alarm beyond info, the interval across the wrap measured exactly', () => {
    const { s, acquisition, alarms, job } = rig();
    // A 32-bit register counting 10 Wh: it wraps at 42 949 672 960 Wh, here at 10:20.
    const modulus = 2 ** 32 * 10;
    feed(acquisition, (m) => (modulus - 20 * 60 + 60 * m) % modulus, () => ({}), { counterModulus: { energyImportWh: modulus } });
    expect(alarms.map((a) => [a.code, a.severity])).toEqual([['counter-wrapped', 'info']]);
    const stored = s.readings.range({ deviceId: 'grid', quantity: 'energyImportWh' }, T0, T0 + Q * 4).map((r) => r.value);
    expect(stored.every((v, i) => i === 0 || v - stored[i - 1]! === 60)).toBe(true);
    expect([0, Q, 2 * Q].map((d) => job.compute(T0 + d)[0]?.importWh)).toEqual([900, 900, 900]);
  });

  it('re-baselines on a new meter serial, even when the new counter is higher, and marks that interval', () => {
    const { acquisition, alarms, job } = rig();
    feed(
      acquisition,
      (m) => (m < 20 ? 1_000_000 + 60 * m : 7_000_000 + 60 * (m - 20)),
      (m) => ({ meterId: m < 20 ? '6970631400000001' : '6970631400000002' }),
    );
    expect(alarms).toEqual([expect.objectContaining({ code: 'meter-replaced', atMs: T0 + 20 * MIN, message: expect.stringContaining('6970631400000002') })]);
    expect(job.compute(T0 + Q)[0]).toMatchObject({ importWh: null, quality: 'gap', gapReason: 'import: meter replaced; export: meter replaced' });
    expect(job.compute(T0 + 2 * Q)[0]).toMatchObject({ importWh: 900, exportWh: 0, quality: 'measured' });
  });
});

describe('counter reset through the simulator', () => {
  it('keeps reading a simulated SDM630 over Modbus TCP through its counter-reset fault: alarm, gap for that quarter, the next one measured', async () => {
    const { s, alarms } = rig();
    const clock = new SimulatedClock({ startMs: T0 });
    // 3.6 kW: 60 Wh a minute, 900 Wh a quarter.
    const server = new ModbusTcpServer({ clock });
    const meter = new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => ({ powerW: 3600, energyImportWh: 1_000_000 + (clock.now() - T0) / 1000, energyExportWh: 500, frequencyHz: 50, voltageL1V: 230 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 });
    server.add(meter);
    const { port } = await server.listen();
    teardown.push(() => server.close());
    const parsed = validateConfig(
      {
        version: 1,
        gateway: { id: 'test-gw', dataDir: dir },
        buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 500 }],
        devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 10_000, slowMs: 60_000 } }],
      },
      {},
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const acquisition = new Acquisition(clock, s, createLogger({ level: 'silent', pretty: false }), { onAlarm: (a) => alarms.push(a) });
    const built = buildGateway(parsed.config, { health: acquisition.health, pollClock: clock, onPushed: () => undefined });
    expect(await openBuses(built)).toEqual([]);
    teardown.push(() => closeBuses(built));
    teardown.push(() => acquisition.stop());
    for (const { device } of built.polled) acquisition.addPolled({ device, fastMs: 10_000, slowMs: 60_000, limits: {} });
    const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => ['grid'], maxBracketMs: 2 * MIN + 1, graceMs: 65_000 });
    await clock.advance(0);
    await expect.poll(() => acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    for (let t = 10_000; t <= 47 * MIN; t += 10_000) {
      // At 10:20:05 the meter's counters are cleared (the control API's counter-reset fault).
      if (t === 20 * MIN + 10_000) meter.faults.set({ kind: 'counter-reset' });
      await clock.advance(10_000);
      await expect.poll(() => acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    }
    expect(alarms.map((a) => [a.code, a.details?.quantity])).toEqual([
      ['counter-reset', 'energyImportWh'],
      ['counter-reset', 'energyExportWh'],
    ]);
    expect(alarms[0]!.atMs).toBe(T0 + 21 * MIN);
    const rows = [0, Q, 2 * Q].map((d) => job.compute(T0 + d)[0]);
    expect(rows.map((r) => [r?.importWh, r?.exportWh, r?.quality, r?.gapReason])).toEqual([
      [900, 0, 'measured', null],
      [null, null, 'gap', 'import: counter reset; export: counter reset'],
      [900, 0, 'measured', null],
    ]);
    // Read all along: nothing rejected after the reset.
    expect(acquisition.health.snapshot().devices[0]?.rejectedByReason).toEqual({});
  });
});

describe('counters across a restart', () => {
  it('sees a reset that happened while the gateway was stopped, and a glitch right after a start', () => {
    const { s, acquisition } = rig();
    feed(acquisition, (m) => 1_000_000 + 60 * m);
    s.readings.flush();
    // A new process on the same store.
    const alarms: Alarm[] = [];
    const restarted = new Acquisition(new SimulatedClock({ startMs: T0 + HOUR }), s, createLogger({ level: 'silent', pretty: false }), { onAlarm: (a) => alarms.push(a) });
    restarted.accept('grid', 'lan', T0 + HOUR, { values: { energyImportWh: 999_000 } }, {});
    expect(restarted.health.snapshot().devices[0]?.rejectedByReason).toEqual({ 'counter-went-backwards': 1 });
    restarted.accept('grid', 'lan', T0 + HOUR + MIN, { values: { energyImportWh: 40 } }, {});
    expect(alarms.map((a) => [a.code, a.details?.fromValue, a.details?.toValue])).toEqual([['counter-reset', 1_000_000 + 60 * 45, 40]]);
  });

  it('keeps unwrapping a wrapped counter after a restart', () => {
    const { s, acquisition } = rig();
    const modulus = 2 ** 16;
    const limits = { counterModulus: { energyImportWh: modulus } };
    feed(acquisition, (m) => (modulus - 600 + 60 * m) % modulus, () => ({}), limits);
    s.readings.flush();
    const last = s.readings.latestAtOrBefore({ deviceId: 'grid', quantity: 'energyImportWh' }, Number.MAX_SAFE_INTEGER)!.value;
    expect(last).toBe(modulus - 600 + 60 * 45);
    const alarms: Alarm[] = [];
    const restarted = new Acquisition(new SimulatedClock({ startMs: T0 + HOUR }), s, createLogger({ level: 'silent', pretty: false }), { onAlarm: (a) => alarms.push(a) });
    restarted.accept('grid', 'lan', T0 + HOUR, { values: { energyImportWh: (last + 60) % modulus } }, limits);
    s.readings.flush();
    expect(s.readings.latestAtOrBefore({ deviceId: 'grid', quantity: 'energyImportWh' }, Number.MAX_SAFE_INTEGER)!.value).toBe(last + 60);
    expect(alarms).toEqual([]);
  });
});
