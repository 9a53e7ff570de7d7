import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../temp-folders.js';
import { stringify } from 'yaml';
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { validateConfig } from '../../gateway/config/load.js';
import { startGateway } from '../../gateway/daemon.js';
import { createLogger } from '../../gateway/log/logger.js';
import { Store } from '../../gateway/store/store.js';
import type { ServiceContext } from '../../gateway/services/service.js';
import { ModbusDevice as SimDevice } from '../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../device-sim/transports/modbus-tcp-server.js';
import { freePort } from '../free-port.js';
import { NABO_CLI, startChild } from '../helpers/child-process.js';

afterAll(removeTempFolders);

const T0 = Date.UTC(2026, 5, 21, 10, 0);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function configFor(dir: string, port: number) {
  return {
    version: 1,
    gateway: { id: 'test-gw', dataDir: dir },
    buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 500 }],
    devices: [{ id: 'grid', bus: 'lan', model: 'eastron-sdm630', unitId: 1, role: 'grid-meter', poll: { fastMs: 10_000, slowMs: 60_000 } }],
  };
}

/** An SDM630 importing a steady 3.6 kW on Modbus TCP, and a valid config of a gateway reading it. */
async function steadyMeterGateway(clock: SimulatedClock) {
  const server = new ModbusTcpServer({ clock });
  server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => ({ powerW: 3600, energyImportWh: 1_000_000 + (clock.now() - T0) / 1000, energyExportWh: 500, frequencyHz: 50, voltageL1V: 230 }), clock }, definitionModel('eastron-sdm630'), { unitId: 1 }));
  const { port } = await server.listen();
  cleanup.push(() => server.close());
  const dir = tempFolder('nabo-daemon-');
  const parsed = validateConfig(configFor(dir, port), {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { dir, config: parsed.config };
}

describe('gateway daemon', () => {
  it('keeps reading and storing while one of its services fails over and over', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    const { dir, config } = await steadyMeterGateway(clock);
    const parsed = { config };
    const log = createLogger({ level: 'fatal', pretty: false });
    // One service that throws on start, and one whose timer throws once it runs.
    let starts = 0;
    const brokenStart = { name: 'broken-start', start: () => { starts++; throw new Error('cannot start'); }, stop: () => undefined };
    let ticks = 0;
    const brokenTimer = {
      name: 'broken-timer',
      start: (ctx: ServiceContext) => {
        ctx.clock.setInterval(() => {
          ticks++;
          throw new Error('timer blew up');
        }, 30_000);
      },
      stop: () => undefined,
    };
    const gw = await startGateway(parsed.config, clock, log, { extraServices: [brokenStart, brokenTimer], host: { restartBackoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } } });
    cleanup.push(() => gw.stop());
    const alarms: string[] = [];
    gw.events.on('alarm', (a) => alarms.push(a.code));
    const failedBeforeListening = starts + ticks;
    await clock.advance(0);
    await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    for (let t = 0; t < 20 * 60_000; t += 10_000) {
      await clock.advance(10_000);
      await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    }
    const services = Object.fromEntries(gw.host.statuses().map((s) => [s.name, s]));
    // The broken ones were tried again and again, with back-off...
    expect(starts).toBeGreaterThanOrEqual(5);
    expect(starts).toBeLessThanOrEqual(21);
    expect(services['broken-start']!.failures).toBe(starts);
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(services['broken-timer']!.failures).toBe(ticks);
    expect(alarms.filter((c) => c === 'service-failed').length).toBe(starts + ticks - failedBeforeListening);
    // ...while the others ran on: every reading of 20 minutes reached the store.
    for (const name of ['acquisition', 'store-flush', 'interval-energy', 'retention']) expect(services[name]!.state, name).toBe('running');
    gw.intervals.compute(T0);
    expect(gw.store.intervals.range('grid', T0, T0 + 1)[0]).toMatchObject({ importWh: 900, gap: false });
    expect(gw.store.readings.range({ deviceId: 'grid', quantity: 'powerW' }, T0, T0 + 20 * 60_000).length).toBeGreaterThan(100);
  });

  it('reads, stores and turns counters into interval energy on the simulated clock', async () => {
    const clock = new SimulatedClock({ startMs: T0 });
    // The meter imports a steady 3.6 kW: 15 minutes are exactly 900 Wh.
    const { dir, config } = await steadyMeterGateway(clock);
    const parsed = { config };
    const log = createLogger({ level: 'warn', pretty: false });
    const gw = await startGateway(parsed.config, clock, log);
    // Step a simulated 35 minutes, letting each read finish before time moves on.
    await clock.advance(0);
    await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    for (let t = 0; t < 35 * 60_000; t += 10_000) {
      await clock.advance(10_000);
      await expect.poll(() => gw.acquisition.busy, { timeout: 5000, interval: 1 }).toBe(false);
    }
    gw.intervals.compute(T0);
    gw.intervals.compute(T0 + 900_000);
    const rows = gw.store.intervals.range('grid', T0, T0 + 1_800_000);
    expect(rows.map((r) => [r.importWh, r.exportWh, r.gap])).toEqual([
      [900, 0, false],
      [900, 0, false],
    ]);
    const health = gw.health();
    expect(health.devices[0]?.errorsByKind).toEqual({});
    expect(health.devices[0]?.rejectedByReason).toEqual({});
    expect(health.devices[0]!.reads).toBeGreaterThan(200);
    expect(health.buses[0]).toMatchObject({ busId: 'lan', connected: true });
    await gw.stop();
    // Everything buffered reached the file.
    const reopened = Store.open(join(dir, 'nabo.db'));
    expect(reopened.readings.range({ deviceId: 'grid', quantity: 'powerW' }, T0, T0 + 36 * 60_000).length).toBeGreaterThan(200);
    reopened.close();
  });

  it('nabo run starts with every device absent, keeps retrying, and stops on SIGTERM within 5 s', async () => {
    const dir = tempFolder('nabo-daemon-');
    const file = join(dir, 'nabo.yaml');
    writeFileSync(file, stringify(configFor(dir, await freePort())));
    const child = startChild(process.execPath, [...NABO_CLI, 'run', '--config', file], { env: { ...process.env, NABO_LOG_LEVEL: 'info' } });
    await child.waitFor('gateway started', 20_000, 'stderr');
    expect(child.stderr()).toContain('retrying in the background');
    const stoppedAt = performance.now();
    const code = await child.stop();
    expect(performance.now() - stoppedAt).toBeLessThan(5000);
    expect(code).toBe(0);
    await child.closed;
    expect(child.stderr()).toContain('readings flushed');
  });
});
