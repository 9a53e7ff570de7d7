// The gateway's IEC 62056-21 port against the simulated mode C meter through a real pty pair.
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../../gateway/clock/clock.js';
import { IecMeter } from '../../../device-sim/devices/iec-meter.js';
import { IecDevice } from '../../../gateway/acquisition/iec-device.js';
import { buildGateway, closeBuses, openBuses } from '../../../gateway/acquisition/build.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { IecPort } from '../../../gateway/bus/iec-port.js';
import { BusError, RequestQueue } from '../../../gateway/bus/request-queue.js';
import type { QuantityValues } from '../../../core/quantities.js';

const clock = new RealClock();
// Values a meter prints exactly (kWh and kW with three decimals, volts with one).
const TRUTH: QuantityValues = { energyImportWh: 1_234_567, energyExportWh: 89_012, powerW: 2345, voltageL1V: 230.1, voltageL2V: 229.8, voltageL3V: 231 };

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(options: { maxBaud?: number; truth?: () => QuantityValues } = {}) {
  const meter = await IecMeter.open(
    { identity: { deviceId: 'iec-1', meterId: '71234567', model: 'ZMD310CT', manufacturer: 'Landis' }, truth: options.truth ?? (() => TRUTH), clock },
    { reactionMs: 5, ackTimeoutMs: 500 },
  );
  cleanup.push(() => meter.close());
  const rejects: string[] = [];
  const port = new IecPort({ id: 'optical', path: meter.clientPath, baudRate: 300, dataBits: 7, parity: 'even', silenceTimeoutMs: 1000, clock, onReject: (k) => rejects.push(k), ...(options.maxBaud ? { maxBaud: options.maxBaud } : {}) });
  cleanup.push(() => port.close());
  await port.open();
  const queue = new RequestQueue({ clock });
  cleanup.push(() => queue.close());
  const device = new IecDevice({ deviceId: 'iec-1', busId: 'optical', port, queue, timeoutMs: 5000 });
  return { meter, port, device, rejects };
}

async function kind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof BusError ? err.kind : `other: ${(err as Error).message}`;
  }
}

describe('IEC 62056-21 mode C readout through a pty (needs socat)', () => {
  it('reads the simulated meter and gets its true values in Wh, W and V with its meter id', async () => {
    const { device, meter, port } = await setup();
    const r = await device.read('slow');
    expect(r.values.energyImportWh).toBe(TRUTH.energyImportWh);
    expect(r.values.energyExportWh).toBe(TRUTH.energyExportWh);
    expect(r.values.powerW).toBe(TRUTH.powerW);
    expect(r.values.powerImportW).toBe(TRUTH.powerW);
    expect(r.values.powerExportW).toBe(0);
    expect(r.values.voltageL1V).toBeCloseTo(230.1, 6);
    expect(r.values.voltageL2V).toBeCloseTo(229.8, 6);
    expect(r.values.voltageL3V).toBe(231);
    expect(r.meterId).toBe('71234567');
    expect(r.model).toBe('LAN ZMD310CT');
    expect(r.raw['1.8.0']).toBe('001234.567*kWh');
    expect(meter.readoutsSent).toBe(1);
    expect(port.counters.readouts).toBe(1);
  });

  it('reads again after a readout, back at the sign-on rate, with values that moved', async () => {
    let importWh = 1000;
    const { device, meter } = await setup({ maxBaud: 4800, truth: () => ({ energyImportWh: importWh, powerW: -1500 }) });
    const first = await device.read('fast');
    importWh = 1250;
    const second = await device.read('fast');
    expect(first.values.energyImportWh).toBe(1000);
    expect(second.values.energyImportWh).toBe(1250);
    // Export shows as a negative net power, split into the two directions.
    expect(second.values.powerW).toBe(-1500);
    expect(second.values.powerExportW).toBe(1500);
    // The meter offers 9600; the head's limit of 4800 is what the ACK asked for.
    expect(meter.agreedBaud).toBe(4800);
    expect(meter.requestsSeen).toBe(2);
  });

  it('gives a timeout when the meter does not answer, and reads again once it does', async () => {
    const { device, meter, port } = await setup();
    meter.faults.set({ kind: 'no-answer' });
    expect(await kind(device.read('slow'))).toBe('timeout');
    expect(port.counters.timeouts).toBe(1);
    expect(meter.requestsSeen).toBe(1);
    meter.faults.clear('no-answer');
    const r = await device.read('slow');
    expect(r.values.energyImportWh).toBe(TRUTH.energyImportWh);
    expect(port.connected).toBe(true);
  });

  it('rejects a readout with a corrupted BCC, counts it, and reads the next good one', async () => {
    const { device, meter, port, rejects } = await setup();
    meter.faults.set({ kind: 'crc-error' });
    const err = await device.read('slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).kind).toBe('protocol');
    expect((err as BusError).message).toContain('bcc-mismatch');
    expect(rejects).toEqual(['bcc-mismatch']);
    expect(port.counters.rejected).toBe(1);
    expect(port.rejectedByKind['bcc-mismatch']).toBe(1);
    meter.faults.clear('crc-error');
    const r = await device.read('slow');
    expect(r.values.energyExportWh).toBe(TRUTH.energyExportWh);
    expect(port.counters.readouts).toBe(1);
  });

  it('is built from a config bus of kind iec62056-21 and read as a polled device', async () => {
    const meter = await IecMeter.open({ identity: { deviceId: 'iec-1', meterId: 'M-77', model: 'AS3000', manufacturer: 'Elster' }, truth: () => TRUTH, clock }, { reactionMs: 5 });
    cleanup.push(() => meter.close());
    const checked = validateConfig({
      version: 1,
      gateway: { id: 'gw' },
      buses: [{ id: 'optical', kind: 'iec62056-21', path: meter.clientPath }],
      devices: [{ id: 'grid', bus: 'optical', model: 'iec62056-21', role: 'grid-meter' }],
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const built = buildGateway(checked.config, { health: new HealthRegistry(), onPushed: () => undefined });
    expect(built.unsupported).toEqual([]);
    expect(built.buses.get('optical')?.kind).toBe('iec62056-21');
    expect(await openBuses(built)).toEqual([]);
    cleanup.push(() => closeBuses(built));
    const grid = built.polled.find((p) => p.device.deviceId === 'grid');
    const r = await grid!.device.read('slow');
    expect(r.values.energyImportWh).toBe(TRUTH.energyImportWh);
    expect(r.meterId).toBe('M-77');
    await closeBuses(built);
    expect(built.buses.get('optical')?.port.connected).toBe(false);
  });
});
