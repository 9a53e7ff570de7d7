// The simulator's faults against the gateway's acquisition, each with what a user expects:
// frozen values flagged stale, serial garbage skipped and counted, a skewed meter clock flagged
// (readings stamped by the gateway), late answers timed out without confusing the next read, a
// push port that goes away and comes back, a meter that first appears after start, and a run
// across a daylight-saving change. (Counter resets are tested with their own fix.)
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import type { NaboConfig } from '../../../gateway/config/schema.js';
import { Acquisition } from '../../../gateway/acquisition/acquisition.js';
import { buildGateway, closeBuses, openBuses, type BuiltGateway } from '../../../gateway/acquisition/build.js';
import { BusError } from '../../../gateway/bus/request-queue.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { Store } from '../../../gateway/store/store.js';
import { HanMeter } from '../../../device-sim/devices/han-meter.js';
import { P1Meter } from '../../../device-sim/devices/p1-meter.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { requireTool } from '../../device-sim/transports/tools.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const T0 = Date.UTC(2026, 5, 21, 12);
const HAN_TRUTH = { powerW: 1234, powerImportW: 1234, powerExportW: 0, currentL1A: 5.3, voltageL1V: 231, energyImportWh: 12_345_670 };

function config(buses: unknown[], devices: unknown[]): NaboConfig {
  const checked = validateConfig({ version: 1, gateway: { id: 'gw' }, buses, devices }, {});
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.config;
}

/** A gateway's acquisition on `clock`: pushed frames and polls go through sanity, health and the store. */
function gateway(clock: SimulatedClock, cfg: NaboConfig): { acq: Acquisition; store: Store; built: BuiltGateway; frames: () => number } {
  const store = Store.open(join(tempFolder('nabo-faults-'), 'nabo.db'));
  const acq = new Acquisition(clock, store, createLogger({ level: 'silent', pretty: false }));
  let frames = 0;
  const built = buildGateway(cfg, {
    health: acq.health,
    pollClock: clock,
    onPushed: (id, bus, frame) => {
      frames++;
      acq.accept(id, bus, clock.now(), frame, {});
    },
  });
  cleanup.push(() => store.close());
  cleanup.push(() => closeBuses(built));
  cleanup.push(() => acq.stop());
  return { acq, store, built, frames: () => frames };
}

async function hanMeter(clock: SimulatedClock, path?: string, truth: () => Record<string, number> = () => HAN_TRUTH): Promise<HanMeter> {
  const meter = await HanMeter.open({ identity: { deviceId: 'ams', meterId: '7359992890941742', model: 'MA304H3E' }, truth, clock }, { layout: 'kaifa', ...(path ? { pty: { clientLink: path } } : {}) });
  cleanup.push(() => meter.close());
  return meter;
}

const hanConfig = (path: string): NaboConfig => config([{ id: 'han', kind: 'han', path, baudRate: 2400, parity: 'even' }], [{ id: 'ams', bus: 'han', model: 'han', role: 'grid-meter' }]);

/** Steps the clock `ms` in 2 s ticks, letting the frames of each tick reach the gateway. */
async function run(clock: SimulatedClock, meter: HanMeter, ms: number, frames: () => number): Promise<void> {
  for (let t = 0; t < ms; t += 2000) {
    const sent = meter.framesSent;
    await clock.advance(2000);
    if (meter.framesSent > sent && !meter.faults.has('garbage')) await vi.waitFor(() => expect(frames()).toBeGreaterThanOrEqual(meter.framesSent - 1), { timeout: 5000, interval: 5 });
  }
}

describe('simulator faults against the gateway (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('flags a meter whose values froze as stale, and stops when they move again', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const server = new ModbusTcpServer({ clock });
    // Voltage wanders as a live meter's does.
    const sim = new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => ({ powerW: 1500, voltageL1V: 230 + ((clock.now() - T0) / 60_000) % 3, energyImportWh: 1_000_000 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 });
    server.add(sim);
    const { port } = await server.listen();
    cleanup.push(() => server.close());
    const cfg = config([{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port }], [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1 }]);
    const { acq, built } = gateway(clock, cfg);
    await openBuses(built);
    acq.addPolled({ device: built.polled[0]!.device, fastMs: 60_000, slowMs: 300_000, limits: {} });
    const step = async (minutes: number): Promise<void> => {
      for (let i = 0; i < minutes; i++) {
        await clock.advance(60_000);
        await acq.idle();
      }
    };
    const marks = () => acq.health.snapshot().devices.find((d) => d.deviceId === 'grid')?.marks.stale;
    await step(10);
    expect(marks()).toBeUndefined();
    sim.faults.set({ kind: 'frozen-values' });
    await step(4);
    expect(marks()).toBeUndefined();
    await step(3);
    expect(marks()?.count).toBeGreaterThanOrEqual(1);
    sim.faults.clear();
    await step(1);
    const last = marks()!.lastAtMs;
    await step(5);
    expect(marks()!.lastAtMs).toBe(last);
  });

  it('flags a skewed HAN meter clock and stamps its readings with the gateway clock', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const meter = await hanMeter(clock);
    meter.faults.set({ kind: 'clock-skew', skewMs: -90_000 });
    const { acq, store, built, frames } = gateway(clock, hanConfig(meter.endpoint().path));
    expect(await openBuses(built)).toEqual([]);
    await run(clock, meter, 20_000, frames);
    await vi.waitFor(() => expect(acq.latestReadings()).toHaveLength(1), { timeout: 5000 });
    const h = acq.health.snapshot().devices.find((d) => d.deviceId === 'ams')!;
    expect(h.marks['clock-skew']?.count).toBeGreaterThan(0);
    expect(h.rejectedByReason).toEqual({});
    store.readings.flush();
    const stamps = store.readings.range({ deviceId: 'ams', quantity: 'powerImportW' }, 0, Number.MAX_SAFE_INTEGER).map((r) => r.atMs);
    expect(stamps.length).toBeGreaterThan(3);
    // Our clock, on the meter's 2 s grid, not 90 s behind.
    for (const s of stamps) expect(s - T0).toBeGreaterThanOrEqual(0);
  });

  it('skips serial garbage between HAN frames, counts it, and keeps decoding', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const meter = await hanMeter(clock);
    const { acq, built, frames } = gateway(clock, hanConfig(meter.endpoint().path));
    expect(await openBuses(built)).toEqual([]);
    meter.faults.set({ kind: 'garbage', bytes: 40, everyMs: 3000 });
    for (let i = 0; i < 15; i++) await clock.advance(2000);
    // Most frames still come through: the splitter resynchronises on the next flag.
    await vi.waitFor(() => expect(frames()).toBeGreaterThanOrEqual(8), { timeout: 5000 });
    await vi.waitFor(() => expect(acq.latestReadings()).toHaveLength(1), { timeout: 5000 });
    await vi.waitFor(() => {
      const h = acq.health.snapshot().devices.find((d) => d.deviceId === 'ams')!;
      expect(Object.keys(h.rejectedByReason).some((k) => k.startsWith('frame-'))).toBe(true);
    }, { timeout: 5000 });
    expect(acq.latestReadings()[0]?.values.powerImportW).toBe(1234);
  });

  it('reconnects to a HAN port that went away and came back, and reads a meter that appeared after start', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const path = join(tempFolder('nabo-faults-pty-'), 'han');
    const { acq, built, frames } = gateway(clock, hanConfig(path));
    // No meter yet: the bus does not open, the gateway keeps trying.
    expect((await openBuses(built)).map((f) => f.busId)).toEqual(['han']);
    const latestPower = (): number | undefined => acq.latestReadings()[0]?.values.powerImportW;
    // Step the meter's clock one list at a time until the gateway has one with this power.
    const until = async (powerW: number): Promise<void> => {
      for (let i = 0; i < 10 && latestPower() !== powerW; i++) {
        const before = frames();
        await clock.advance(2000);
        await vi.waitFor(() => expect(frames()).toBeGreaterThan(before), { timeout: 5000, interval: 5 }).catch(() => undefined);
      }
      expect(latestPower()).toBe(powerW);
    };
    const first = await hanMeter(clock, path, () => ({ ...HAN_TRUTH, powerImportW: 1000 }));
    const port = built.buses.get('han')!.port;
    await vi.waitFor(() => expect(port.connected).toBe(true), { timeout: 20_000, interval: 50 });
    await until(1000);
    await first.close();
    await vi.waitFor(() => expect(port.connected).toBe(false), { timeout: 10_000, interval: 20 });
    await hanMeter(clock, path, () => ({ ...HAN_TRUTH, powerImportW: 2000 }));
    await vi.waitFor(() => expect(port.connected).toBe(true), { timeout: 20_000, interval: 50 });
    await until(2000);
  });

  it('reconnects to a P1 port that went away and came back', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const path = join(tempFolder('nabo-faults-pty-'), 'p1');
    const p1 = async (powerW: number): Promise<P1Meter> => {
      const m = await P1Meter.open({ identity: { deviceId: 'p1', meterId: 'E0044007012345616', model: 'T211' }, truth: () => ({ powerW, powerImportW: powerW, powerExportW: 0, energyImportWh: 4_567_891, energyExportWh: 0 }), clock }, { version: '5.0', pty: { clientLink: path } });
      cleanup.push(() => m.close());
      return m;
    };
    const first = await p1(1000);
    const cfg = config([{ id: 'p1', kind: 'dsmr-p1', path, baudRate: 115200 }], [{ id: 'p1', bus: 'p1', model: 'dsmr-p1', role: 'grid-meter' }]);
    const { acq, built, frames } = gateway(clock, cfg);
    expect(await openBuses(built)).toEqual([]);
    const latestPower = (): number | undefined => acq.latestReadings()[0]?.values.powerImportW;
    const port = built.buses.get('p1')!.port;
    // Step the meter's clock one telegram at a time until the gateway has one with this power.
    const until = async (powerW: number): Promise<void> => {
      for (let i = 0; i < 10 && latestPower() !== powerW; i++) {
        const before = frames();
        await clock.advance(1000);
        await vi.waitFor(() => expect(frames()).toBeGreaterThan(before), { timeout: 5000, interval: 5 }).catch(() => undefined);
      }
      expect(latestPower()).toBe(powerW);
    };
    await until(1000);
    await first.close();
    await vi.waitFor(() => expect(port.connected).toBe(false), { timeout: 10_000, interval: 20 });
    await p1(2500);
    await vi.waitFor(() => expect(port.connected).toBe(true), { timeout: 20_000, interval: 50 });
    await until(2500);
  });

  it('reads HAN meter time straight across the spring daylight-saving change', async () => {
    // Oslo goes from 02:00 CET to 03:00 CEST at 01:00 UTC on 29 March 2026.
    const start = Date.UTC(2026, 2, 29, 0, 59, 40);
    const clock = new SimulatedClock({ startMs: start });
    const meter = await hanMeter(clock);
    const times: number[] = [];
    const { acq, built } = gateway(clock, hanConfig(meter.endpoint().path));
    const bus = built.buses.get('han');
    if (bus?.kind !== 'push') throw new Error('no HAN bus');
    const orig = acq.accept.bind(acq);
    acq.accept = (id, b, atMs, frame, limits) => {
      if (frame.meterTimeMs !== undefined) times.push(frame.meterTimeMs);
      orig(id, b, atMs, frame, limits);
    };
    expect(await openBuses(built)).toEqual([]);
    await run(clock, meter, 40_000, () => times.length);
    await vi.waitFor(() => expect(times.length).toBeGreaterThanOrEqual(15), { timeout: 5000 });
    // Every stamp is a true UTC instant on the 2 s grid: no hour jumps at the change.
    for (const t of times) expect((t - start) % 2000).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(0);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(40_000);
    const h = acq.health.snapshot().devices.find((d) => d.deviceId === 'ams');
    expect(h?.rejectedByReason ?? {}).toEqual({});
    expect(h?.marks['clock-skew']).toBeUndefined();
  });
});

describe('late Modbus answers against the gateway', () => {
  it('times out a late answer, drops it when it comes, and reads the right values next', async () => {
    const clock = new SimulatedClock({ startMs: T0, speed: 1 });
    clock.start();
    cleanup.push(() => clock.stop());
    const server = new ModbusTcpServer({ clock });
    let powerW = 1000;
    const sim = new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => ({ powerW, voltageL1V: 230, energyImportWh: 1_000_000 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 });
    server.add(sim);
    const { port } = await server.listen();
    cleanup.push(() => server.close());
    const cfg = config([{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 300 }], [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1 }]);
    const { built } = gateway(new SimulatedClock({ startMs: T0 }), cfg);
    await openBuses(built);
    const device = built.polled[0]!.device;
    expect((await device.read('fast')).values.powerW).toBeCloseTo(1000, 3);
    const bus = built.buses.get('lan');
    if (bus?.kind !== 'modbus') throw new Error('no Modbus bus');
    const stray = (bus.port as unknown as { strayBytes: number }).strayBytes;
    sim.faults.set({ kind: 'late-answer', delayMs: 800 });
    const late = await device.read('fast').then(() => 'ok', (err: unknown) => (err instanceof BusError ? err.kind : String(err)));
    expect(late).toBe('timeout');
    sim.faults.clear();
    powerW = 2000;
    // The answer to the timed-out request (1000 W) comes after all; it must not pass for the next one.
    await vi.waitFor(() => expect((bus.port as unknown as { strayBytes: number }).strayBytes).toBeGreaterThan(stray), { timeout: 5000, interval: 10 });
    const values = [];
    for (let i = 0; i < 4; i++) values.push((await device.read('fast')).values.powerW);
    for (const v of values) expect(v).toBeCloseTo(2000, 3);
  });
});
