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

const Q = 900_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 21, 10);
let dir: string | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
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
