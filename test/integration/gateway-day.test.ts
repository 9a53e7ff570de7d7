// A simulated building on real transports (an RTU pty bus with three unit ids, Modbus TCP, a
// Kamstrup HAN meter, a DSMR P1 meter, a Firmata S0 board) read for a whole simulated day by a
// gateway started from the config the simulator writes, clock stepped in lockstep. The stored
// 15-minute interval energies are compared with the physics' own counters at the boundaries.
// Needs socat (pseudo-terminals).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../gateway/clock/clock.js';
import { IntervalJob } from '../../gateway/acquisition/interval-job.js';
import type { IntervalEnergyRow } from '../../gateway/store/intervals.js';
import type { DeviceFault } from '../../device-sim/devices/simulated-device.js';
import { requireTool } from '../device-sim/transports/tools.js';
import { startRig, type Rig } from './building-rig.js';
import { DAY_FLEET } from './day-fleet.js';

const Q = 900_000;
const HOUR = 3_600_000;
const DAY_START = Date.UTC(2026, 5, 21);
const DAY_END = DAY_START + 24 * HOUR;
const at = (h: number, m = 0): number => DAY_START + h * HOUR + m * 60_000;

/** Faults switched on and off during the day (the clock halts there; the switch is direct). */
const FAULTS: Array<{ deviceId: string; fault: DeviceFault; fromMs: number; toMs: number }> = [
  // A unit on the shared RTU bus stops answering for an hour and a half.
  { deviceId: 'h1-meter', fault: { kind: 'no-answer' }, fromMs: at(9), toMs: at(10, 30) },
  // The Modbus TCP meter drops every connection for an hour.
  { deviceId: 'h1-meter-tcp', fault: { kind: 'drop-connection' }, fromMs: at(13), toMs: at(14) },
  // The P1 meter falls silent for half an hour.
  { deviceId: 'h1-p1', fault: { kind: 'no-answer' }, fromMs: at(17), toMs: at(17, 30) },
];

/** S0 constant of the board's pin: one pulse is 10 Wh. */
const S0_WH_PER_PULSE = 10;

let rig: Rig;
let runMs = 0;
const restWaits: number[] = [];
const realClock = new RealClock();

function rows(deviceId: string): IntervalEnergyRow[] {
  return rig.gateway.store.intervals.range(deviceId, DAY_START, DAY_END);
}

function truthOf(startMs: number): { importWh: number; exportWh: number } {
  const a = rig.truth.get(startMs);
  const b = rig.truth.get(startMs + Q);
  if (!a || !b) throw new Error(`no truth recorded around ${new Date(startMs).toISOString()}`);
  return { importWh: b.energyImportWh - a.energyImportWh, exportWh: b.energyExportWh - a.energyExportWh };
}

/** First stored import reading of a device after `afterMs` (the gateway read it again). */
function firstReadingAfter(deviceId: string, afterMs: number): number {
  const r = rig.gateway.store.readings.range({ deviceId, quantity: 'energyImportWh' }, afterMs + 1, DAY_END + HOUR)[0];
  if (!r) throw new Error(`${deviceId} never read again after ${new Date(afterMs).toISOString()}`);
  return r.atMs;
}

/** Intervals with a boundary strictly between the last reading before an outage and the first after. */
function expectedGaps(lastBeforeMs: number, firstAfterMs: number): number[] {
  const out: number[] = [];
  for (let s = DAY_START; s < DAY_END; s += Q) {
    const inside = (b: number): boolean => b > lastBeforeMs && b < firstAfterMs;
    if (inside(s) || inside(s + Q)) out.push(s);
  }
  return out;
}

/**
 * The gateway rests a device that stopped answering, and reconnects a dropped socket, on real
 * time (as it must on a real bus), while the lockstep clock may race through hours meanwhile.
 * So when a fault clears, wait (real time, bounded) until the device would be tried again:
 * recovery in simulated time is then one poll period, the same in every run.
 */
async function waitUntilReadable(deviceId: string): Promise<number> {
  const config = rig.config.devices.find((d) => d.id === deviceId);
  const bus = config && rig.gateway.built.buses.get(config.bus);
  if (bus?.kind !== 'modbus') return 0;
  const started = performance.now();
  while (bus.queue.isResting(deviceId) || !bus.port.connected) {
    if (performance.now() - started > 90_000) throw new Error(`${deviceId} still resting or disconnected 90 s after its fault cleared`);
    await realClock.sleep(10);
  }
  return performance.now() - started;
}

beforeAll(async () => {
  requireTool('socat');
  rig = await startRig({
    fleet: DAY_FLEET,
    startMs: DAY_START,
    pushPace: { hanList2EveryMs: 60_000, p1EveryMs: 60_000 },
    adjustConfig: (raw) => {
      // Counters every minute, on the boundaries' instants; power and the PV/battery units
      // less often. Every pty round trip costs real time: a day is then ~2,400 waits for I/O
      // among ~94,000 timer steps (mostly the S0 outputs' idle looks), about a minute.
      for (const d of raw.devices as Array<Record<string, unknown>>) {
        d.poll = d.id === 'pv' || d.id === 'battery' ? { fastMs: 300_000, slowMs: 300_000 } : { fastMs: 900_000, slowMs: 60_000 };
      }
      raw.store = { flushIntervalMs: 60_000 };
    },
  });
  const stops = new Set<number>();
  for (let t = DAY_START; t <= DAY_END; t += Q) stops.add(t);
  // HAN list 3 (the only frame with counters) goes out at hh:00:10.
  for (let t = DAY_START + 10_000; t < DAY_END; t += HOUR) stops.add(t);
  for (const f of FAULTS) stops.add(f.fromMs).add(f.toMs);
  const started = performance.now();
  // The last interval is computed a grace period (the slowest poll, 5 min, plus 5 s) after midnight.
  await rig.lockstep.runTo(DAY_END + 6 * 60_000, [...stops].sort((a, b) => a - b), async (now) => {
    if (now % Q === 0 || now % HOUR === 10_000) rig.recordTruth(now);
    for (const f of FAULTS) {
      const device = rig.fleet.devices.get(f.deviceId);
      if (!device) throw new Error(`no simulated device ${f.deviceId}`);
      if (now === f.fromMs) device.faults.set(f.fault);
      if (now === f.toMs) {
        device.faults.clear(f.fault.kind);
        restWaits.push(await waitUntilReadable(f.deviceId.replace(/^h1-/, '')));
      }
    }
  });
  runMs = performance.now() - started;
  rig.gateway.store.readings.flush();
  const local = (fleetId: string): string => fleetId.replace(/^h1-/, '');
  const recovery = FAULTS.map((f, i) => `${local(f.deviceId)} read ${Math.round((firstReadingAfter(local(f.deviceId), f.fromMs) - f.toMs) / 1000)} s after its fault cleared (rest/reconnect wait ${Math.round(restWaits[i] ?? 0)} ms real)`);
  process.stderr.write(`gateway-day: simulated day in ${Math.round(runMs)} ms of real time; lockstep ${JSON.stringify(rig.lockstep.stats)}; ${recovery.join(', ')}\n`);
}, 420_000);

afterAll(async () => {
  await rig?.close();
});

describe('a gateway reading a simulated building for a simulated day (needs socat)', () => {
  it('had a day worth checking: energy both ways, and meter counters an SDM630 float register resolves to 0.5 Wh', () => {
    const first = rig.truth.get(DAY_START);
    const last = rig.truth.get(DAY_END);
    if (!first || !last) throw new Error('no truth at the day edges');
    expect(last.energyImportWh - first.energyImportWh).toBeGreaterThan(2000);
    expect(last.energyExportWh - first.energyExportWh).toBeGreaterThan(500);
    // float32 kWh below 8192 kWh has a step of 2^-11 kWh (0.49 Wh): whole-Wh counters read back exactly.
    expect(last.energyImportWh).toBeLessThan(8192_000);
    expect(last.energyExportWh).toBeLessThan(8192_000);
  });

  it('stores every 15-minute interval of the Modbus RTU meter within 1 Wh of the truth, gaps exactly where its unit id was dead', () => {
    const fault = FAULTS[0]!;
    // Read again at the first poll after the fault cleared (the poll at the instant itself failed).
    expect(firstReadingAfter('meter', fault.fromMs)).toBe(fault.toMs + 60_000);
    const gaps = expectedGaps(fault.fromMs, firstReadingAfter('meter', fault.fromMs));
    const got = rows('meter');
    expect(got).toHaveLength(96);
    expect(got.filter((r) => r.gap).map((r) => r.intervalStartMs)).toEqual(gaps);
    // 09:00-10:30 dead, read again 10:31: the quarters 09:00 to 10:30 have a boundary inside.
    expect(gaps).toEqual(Array.from({ length: 7 }, (_, i) => at(9) + i * Q));
    for (const r of got.filter((x) => !x.gap)) {
      const t = truthOf(r.intervalStartMs);
      expect.soft(Math.abs((r.importWh ?? NaN) - t.importWh), `import ${new Date(r.intervalStartMs).toISOString()}`).toBeLessThanOrEqual(1);
      expect.soft(Math.abs((r.exportWh ?? NaN) - t.exportWh), `export ${new Date(r.intervalStartMs).toISOString()}`).toBeLessThanOrEqual(1);
    }
  });

  it('stores the Modbus TCP meter within 1 Wh of the truth, gaps exactly where its connections were dropped', () => {
    const fault = FAULTS[1]!;
    expect(firstReadingAfter('meter-tcp', fault.fromMs)).toBe(fault.toMs + 60_000);
    const gaps = expectedGaps(fault.fromMs, firstReadingAfter('meter-tcp', fault.fromMs));
    const got = rows('meter-tcp');
    expect(got).toHaveLength(96);
    expect(got.filter((r) => r.gap).map((r) => r.intervalStartMs)).toEqual(gaps);
    expect(gaps).toEqual(Array.from({ length: 5 }, (_, i) => at(13) + i * Q));
    for (const r of got.filter((x) => !x.gap)) {
      const t = truthOf(r.intervalStartMs);
      expect.soft(Math.abs((r.importWh ?? NaN) - t.importWh)).toBeLessThanOrEqual(1);
      expect.soft(Math.abs((r.exportWh ?? NaN) - t.exportWh)).toBeLessThanOrEqual(1);
    }
  });

  it('stores the DSMR P1 meter within 1 Wh of the truth, gaps exactly where it fell silent', () => {
    const fault = FAULTS[2]!;
    const gaps = expectedGaps(fault.fromMs, firstReadingAfter('p1', fault.fromMs));
    const got = rows('p1');
    expect(got).toHaveLength(96);
    expect(got.filter((r) => r.gap).map((r) => r.intervalStartMs)).toEqual(gaps);
    expect(gaps).toEqual([at(17), at(17, 15), at(17, 30)]);
    for (const r of got.filter((x) => !x.gap)) {
      const t = truthOf(r.intervalStartMs);
      expect.soft(Math.abs((r.importWh ?? NaN) - t.importWh)).toBeLessThanOrEqual(1);
      expect.soft(Math.abs((r.exportWh ?? NaN) - t.exportWh)).toBeLessThanOrEqual(1);
    }
  });

  it("estimates the HAN meter's quarters from power, reconciles them to its hourly counters (list 3), and the counters match the truth", () => {
    const got = rows('ams');
    expect(got).toHaveLength(96);
    // Counters come at hh:00:10, so every quarter of an hour with counters on both sides is
    // reconciled: the four quarters are the hour's counter difference, split as power was.
    const reconciled = got.filter((r) => r.quality === 'reconciled');
    expect(got.filter((r) => r.gap)).toEqual([]);
    expect(reconciled.length).toBeGreaterThanOrEqual(88);
    expect(got.every((r) => r.quality === 'reconciled' || r.quality === 'estimated')).toBe(true);
    const readings = rig.gateway.store.readings.range({ deviceId: 'ams', quantity: 'energyImportWh' }, DAY_START, DAY_END);
    const exports = rig.gateway.store.readings.range({ deviceId: 'ams', quantity: 'energyExportWh' }, DAY_START, DAY_END);
    expect(readings.map((r) => r.atMs)).toEqual(Array.from({ length: 24 }, (_, h) => at(h) + 10_000));
    for (let i = 1; i < readings.length; i++) {
      const [a, b] = [readings[i - 1]!, readings[i]!];
      const [ta, tb] = [rig.truth.get(a.atMs)!, rig.truth.get(b.atMs)!];
      expect(b.value - a.value).toBe(tb.energyImportWh - ta.energyImportWh);
      expect(exports[i]!.value - exports[i - 1]!.value).toBe(tb.energyExportWh - ta.energyExportWh);
    }
    // Over the reconciled hours the quarters add up to the counters exactly, and each quarter is
    // near the truth (power sampled every minute shapes the split).
    let sumRead = 0;
    let sumTruth = 0;
    let worst = 0;
    for (const r of reconciled) {
      const t = truthOf(r.intervalStartMs);
      sumRead += r.importWh ?? NaN;
      sumTruth += t.importWh;
      worst = Math.max(worst, Math.abs((r.importWh ?? NaN) - t.importWh));
    }
    process.stderr.write(`gateway-day: HAN reconciled quarters ${reconciled.length}, import ${sumRead} Wh read vs ${Math.round(sumTruth)} Wh true, worst quarter off by ${worst} Wh\n`);
    expect(Math.abs(sumRead - sumTruth)).toBeLessThanOrEqual(0.01 * sumTruth + 24);
    expect(worst).toBeLessThanOrEqual(150);
  });

  it('stores the S0 pulse meter every interval, each within one pulse (10 Wh) of the truth, quiet hours as zero', () => {
    const got = rows('s0-pin2');
    expect(got).toHaveLength(96);
    expect(got.filter((r) => r.gap)).toEqual([]);
    expect(got.every((r) => r.exportWh === null)).toBe(true);
    let total = 0;
    for (const r of got) {
      const t = truthOf(r.intervalStartMs);
      expect.soft(Math.abs((r.importWh ?? NaN) - t.importWh), new Date(r.intervalStartMs).toISOString()).toBeLessThanOrEqual(S0_WH_PER_PULSE);
      expect((r.importWh ?? NaN) % S0_WH_PER_PULSE).toBe(0);
      total += r.importWh ?? 0;
    }
    expect(got.filter((r) => r.importWh === 0).length).toBeGreaterThan(0);
    const dayTruth = rig.truth.get(DAY_END)!.energyImportWh - rig.truth.get(DAY_START)!.energyImportWh;
    expect(Math.abs(total - dayTruth)).toBeLessThanOrEqual(S0_WH_PER_PULSE);
    // The pulses the board sent are the pulses the gateway counted.
    const pulses = [...(rig.pulsesAt.get(DAY_END)?.values() ?? [])].reduce((a, b) => a + b, 0);
    expect(Math.abs(total / S0_WH_PER_PULSE - pulses)).toBeLessThanOrEqual(1);
  });

  it('counted the faults in health, and kept reading the other units of the RTU bus while one was dead', () => {
    const health = rig.gateway.health();
    const dev = (id: string) => health.devices.find((d) => d.deviceId === id);
    const meter = dev('meter');
    expect(meter?.errorsByKind.timeout ?? 0).toBeGreaterThanOrEqual(2);
    const tcp = dev('meter-tcp');
    expect(Object.values(tcp?.errorsByKind ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(health.buses.find((b) => b.busId === rig.config.devices.find((d) => d.id === 'meter-tcp')?.bus)?.reconnects ?? 0).toBeGreaterThan(0);
    for (const id of ['pv', 'battery']) {
      expect(dev(id)?.errorsByKind).toEqual({});
      const during = rig.gateway.store.readings.range({ deviceId: id, quantity: id === 'pv' ? 'pvEnergyWh' : 'socPercent' }, FAULTS[0]!.fromMs, FAULTS[0]!.toMs);
      expect(during.length).toBeGreaterThanOrEqual(17);
    }
    // Nothing the gateway read was turned away by its sanity checks.
    for (const d of health.devices) expect(d.rejectedByReason, d.deviceId).toEqual({});
  });

  // Last: it recomputes the HAN meter's rows (the daemon's own are checked above) with the rig's list 2 pace.
  it('gives the HAN meter every quarter once estimation is on: reconciled to its hourly counters, near the truth', () => {
    const job = new IntervalJob(new RealClock(), rig.gateway.store, {
      intervalMs: Q,
      deviceIds: () => [],
      maxBracketMs: 2 * 300_000 + 1,
      graceMs: 305_000,
      // List 2 is paced to once a minute in this rig (every 10 s on a real meter).
      estimate: { deviceIds: () => ['ams'], maxPowerGapMs: 120_001 },
    });
    for (let s = DAY_START; s < DAY_END; s += Q) job.compute(s);
    const got = rows('ams');
    expect(got).toHaveLength(96);
    // Before the first list 3 (00:00:10) no counter lies before the boundary: that quarter stays an estimate.
    expect(got.map((r) => r.quality)).toEqual(['estimated', ...Array.from({ length: 95 }, () => 'reconciled')]);
    // Each quarter near the truth (list 2 paced to a minute here; a real meter's 10 s does better)…
    for (const r of got.slice(1)) {
      const t = truthOf(r.intervalStartMs);
      expect.soft(Math.abs(r.importWh! - t.importWh), new Date(r.intervalStartMs).toISOString()).toBeLessThanOrEqual(25);
      expect.soft(Math.abs(r.exportWh! - t.exportWh), new Date(r.intervalStartMs).toISOString()).toBeLessThanOrEqual(25);
    }
    // …and each hour's four quarters add up to the hour's counter difference (list 3 is 10 s late).
    for (let h = 1; h < 24; h++) {
      const quarters = got.slice(4 * h, 4 * h + 4);
      const [a, b] = [rig.truth.get(at(h))!, rig.truth.get(at(h) + HOUR)!];
      expect.soft(Math.abs(quarters.reduce((n, r) => n + r.importWh!, 0) - (b.energyImportWh - a.energyImportWh)), `hour ${h}`).toBeLessThanOrEqual(2);
      expect.soft(Math.abs(quarters.reduce((n, r) => n + r.exportWh!, 0) - (b.energyExportWh - a.energyExportWh)), `hour ${h}`).toBeLessThanOrEqual(2);
    }
  });
});
