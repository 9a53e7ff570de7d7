// An S0 meter on a Firmata board (the simulated board on a pty, needs socat) reports its count
// once per slow period even when no pulse comes, so a quiet hour reads as zero energy.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { buildGateway, closeBuses, openBuses } from '../../../gateway/acquisition/build.js';
import type { PushedFrame } from '../../../gateway/bus/push-port.js';
import { FirmataBoard } from '../../../device-sim/devices/firmata-board.js';
import { requireTool } from '../../device-sim/transports/tools.js';

const T0 = Date.UTC(2026, 5, 21, 3);
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.reverse()) await c();
  closers = [];
});

describe('S0 meters on a Firmata board (needs socat)', () => {
  it('report their count at start and once per slow period while no pulse comes', async () => {
    requireTool('socat');
    const clock = new SimulatedClock({ startMs: T0 });
    const board = await FirmataBoard.open(
      { identity: { deviceId: 's0', meterId: 'S0-1', model: 'StandardFirmata' }, truth: () => ({ energyImportWh: 123_456 }), clock },
      { s0: [{ pin: 2, pulsesPerKWh: 1000, quantity: 'energyImportWh' }] },
    );
    closers.push(() => board.close());
    const checked = validateConfig({
      version: 1,
      gateway: { id: 'gw' },
      buses: [{ id: 'board', kind: 'firmata', path: board.endpoint().path }],
      devices: [{ id: 'heat-pump', bus: 'board', model: 's0', pin: 2, impulsesPerKWh: 1000, poll: { fastMs: 1000, slowMs: 60_000 } }],
    }, {});
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const pushed: Array<{ atMs: number; frame: PushedFrame }> = [];
    const built = buildGateway(checked.config, { health: new HealthRegistry(), pollClock: clock, s0StartWh: () => 5000, onPushed: (_id, _bus, frame) => pushed.push({ atMs: clock.now(), frame }) });
    expect(await openBuses(built)).toEqual([]);
    closers.push(() => closeBuses(built));
    await clock.advanceTo(T0 + 3 * 60_000);
    await vi.waitFor(() => expect(pushed).toHaveLength(4));
    expect(pushed.map((p) => p.atMs - T0)).toEqual([0, 60_000, 120_000, 180_000]);
    expect(pushed.every((p) => p.frame.values.energyImportWh === 5000)).toBe(true);
    // Stopped with the buses: no more reports.
    await closeBuses(built);
    await clock.advance(5 * 60_000);
    expect(pushed).toHaveLength(4);
  });

  it('marks the readings of a pulse output that runs at its limit as saturated, never as plain measurements', async () => {
    requireTool('socat');
    const clock = new SimulatedClock({ startMs: T0 });
    // 100 kW through 1000 imp/kWh and 50 ms pulses (at most 36 kW): the output pulses flat out.
    const board = await FirmataBoard.open(
      { identity: { deviceId: 's0', meterId: 'S0-1', model: 'StandardFirmata' }, truth: () => ({ energyImportWh: 123_456 + ((clock.now() - T0) * 100_000) / 3_600_000 }), clock },
      { s0: [{ pin: 2, pulsesPerKWh: 1000, quantity: 'energyImportWh' }], pollMs: 100 },
    );
    closers.push(() => board.close());
    const checked = validateConfig({
      version: 1,
      gateway: { id: 'gw' },
      buses: [{ id: 'board', kind: 'firmata', path: board.endpoint().path }],
      devices: [{ id: 'heat-pump', bus: 'board', model: 's0', pin: 2, impulsesPerKWh: 1000, poll: { fastMs: 1000, slowMs: 60_000 } }],
    }, {});
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const pushed: PushedFrame[] = [];
    const health = new HealthRegistry();
    const built = buildGateway(checked.config, { health, pollClock: clock, s0StartWh: () => 5000, onPushed: (_id, _bus, frame) => pushed.push(frame) });
    expect(await openBuses(built)).toEqual([]);
    closers.push(() => closeBuses(built));
    const port = (built.buses.get('board') as { port: { edgesSeen: { rising: number; falling: number } } }).port;
    const count = (): number => board.pulseCounts().get(2) ?? 0;
    // Step from one board action to the next; johnny-five's debounce runs on real time.
    while (count() < 6) {
      const next = board.nextWakeAtMs();
      if (next === undefined) throw new Error('S0 output stopped');
      const before = count();
      await clock.advanceTo(next);
      if (count() !== before) await vi.waitFor(() => expect(port.edgesSeen.rising).toBe(count()), { timeout: 5000, interval: 2 });
      else await vi.waitFor(() => expect(port.edgesSeen.falling).toBe(port.edgesSeen.rising), { timeout: 5000, interval: 2 });
    }
    await vi.waitFor(() => expect(port.edgesSeen.falling).toBeGreaterThanOrEqual(5), { timeout: 5000, interval: 2 });
    const counted = pushed.filter((f) => f.values.energyImportWh !== 5000 || f.flags);
    expect(counted.length).toBeGreaterThanOrEqual(4);
    // The first pulse followed a quiet line; every one after it came back to back.
    expect(counted.slice(1).every((f) => f.flags?.includes('s0-saturated'))).toBe(true);
    const marks = health.snapshot().devices.find((d) => d.deviceId === 'heat-pump')?.marks;
    expect(marks?.['s0-saturated']?.count).toBeGreaterThanOrEqual(3);
    expect(health.markedSince('heat-pump', 's0-saturated', T0)).toBe(true);
    expect(health.snapshot().devices.find((d) => d.deviceId === 'heat-pump')?.rejectedByReason).toEqual({});
  });
});
