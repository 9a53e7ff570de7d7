// An encrypting HAN meter (general-glo-ciphering) read with the wrong keys: the gateway counts
// every frame it cannot decrypt, says so where the installer looks (`nabo check`), and keeps
// its port open and running for when the right key arrives.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { buildGateway, closeBuses, openBuses } from '../../../gateway/acquisition/build.js';
import { probeDevices } from '../../../gateway/acquisition/probe.js';
import type { PushedFrame } from '../../../gateway/bus/push-port.js';
import { HanMeter } from '../../../device-sim/devices/han-meter.js';
import { requireTool } from '../../device-sim/transports/tools.js';

const T0 = Date.UTC(2026, 5, 21, 12);
const METER_KEYS = {
  encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
  systemTitle: Uint8Array.from([0x4b, 0x46, 0x4d, 0x10, 0x20, 0x00, 0x00, 0x01]),
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const WRONG = '00112233445566778899aabbccddeeff';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function encryptingMeter() {
  // Runs by itself at 20×: a frame every 100 real ms.
  const clock = new SimulatedClock({ startMs: T0, speed: 20 });
  clock.start();
  cleanup.push(() => clock.stop());
  const meter = await HanMeter.open(
    { identity: { deviceId: 'ams', meterId: '7359992890941742', model: 'MA304H3E' }, truth: () => ({ powerW: 1234, powerImportW: 1234, powerExportW: 0, energyImportWh: 12_345_670 }), clock },
    { layout: 'kaifa', encryption: METER_KEYS },
  );
  cleanup.push(() => meter.close());
  return { clock, meter };
}

function configFor(path: string, encryptionKey: string, authenticationKey: string) {
  const checked = validateConfig({
    version: 1,
    gateway: { id: 'gw' },
    buses: [{ id: 'han', kind: 'han', path, baudRate: 2400, parity: 'even' }],
    devices: [{ id: 'ams', bus: 'han', model: 'han', role: 'grid-meter', encryptionKey, authenticationKey }],
  }, {});
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.config;
}

describe('HAN meter with the wrong decryption key (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('counts every frame it cannot decrypt, stores nothing from them and keeps the port open', async () => {
    const { meter } = await encryptingMeter();
    const health = new HealthRegistry();
    const pushed: PushedFrame[] = [];
    const built = buildGateway(configFor(meter.endpoint().path, WRONG, WRONG), { health, onPushed: (_d, _b, f) => pushed.push(f) });
    expect(await openBuses(built)).toEqual([]);
    cleanup.push(() => closeBuses(built));
    const rejected = (): number => health.snapshot().devices.find((d) => d.deviceId === 'ams')?.rejectedByReason['frame-decrypt'] ?? 0;
    await vi.waitFor(() => expect(rejected()).toBeGreaterThanOrEqual(5), { timeout: 10_000, interval: 20 });
    expect(pushed).toEqual([]);
    expect(built.buses.get('han')?.port.connected).toBe(true);
    // Still running: the count goes on with every frame.
    const before = rejected();
    await vi.waitFor(() => expect(rejected()).toBeGreaterThan(before), { timeout: 10_000, interval: 20 });
  });

  it('tells the installer in nabo check that the keys do not match the meter', async () => {
    const { meter } = await encryptingMeter();
    const [result] = await probeDevices(configFor(meter.endpoint().path, WRONG, hex(METER_KEYS.authenticationKey)), { pushWaitMs: 1500 });
    expect(result?.status).toBe('failed');
    expect(result?.errors.join('; ')).toMatch(/frame-decrypt.*keys do not match the meter's/);
  });

  it('reads the same meter with the right keys', async () => {
    const { meter } = await encryptingMeter();
    const [result] = await probeDevices(configFor(meter.endpoint().path, hex(METER_KEYS.encryptionKey), hex(METER_KEYS.authenticationKey)), { pushWaitMs: 5000 });
    expect(result?.errors).toEqual([]);
    expect(result?.status).toBe('ok');
    expect(result?.values.powerImportW ?? result?.values.powerW).toBe(1234);
  });
});
