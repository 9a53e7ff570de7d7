// Control under the simulator's control faults, on real transports (Modbus TCP, a socat pty for
// the Firmata board) and the building's physics: each fault raises its alarm, and no fault makes
// control take the simulator's truth past a limit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceFault } from '../../../device-sim/devices/simulated-device.js';
import { removeTempFolders } from '../../temp-folders.js';
import { requireTool } from '../../device-sim/transports/tools.js';
import { controlFleet, LIMITS, limitBreaches, type ControlFleet } from './control-fleet-harness.js';

afterAll(removeTempFolders);
let open: ControlFleet[] = [];
afterEach(async () => {
  for (const f of open.splice(0).reverse()) await f.close();
});
async function building(...args: Parameters<typeof controlFleet>): Promise<ControlFleet> {
  const f = await controlFleet(...args);
  open.push(f);
  return f;
}

const MIN = 60_000;
/** A June noon in Trondheim: a 30 kWp roof exports several kW. */
const NOON = Date.UTC(2026, 5, 21, 10);
/** A January evening: dark, the house imports. */
const EVENING = Date.UTC(2026, 0, 15, 17);

describe('control faults on the simulated building (Modbus TCP, needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it("raises 'battery-not-following' when the battery ramps at a fraction of its rate, and not when it is healthy", async () => {
    const healthy = await building({ startMs: NOON, initialSocPercent: 40, kWp: 30 });
    await healthy.run(4 * MIN);
    expect(healthy.writes.some((w) => w.kind === 'battery-power' && w.batteryPowerW <= -2500)).toBe(true);
    expect(healthy.alarms.map((a) => a.code)).not.toContain('battery-not-following');
    await healthy.close();
    open = [];

    const slow = await building({ startMs: NOON, initialSocPercent: 40, kWp: 30 });
    // 0.2 % of its 5 kW per second: 10 W/s, minutes for the step from its own 4.3 kW charge to nabo's 3 kW.
    slow.battery.faults.set({ kind: 'slow-ramp', fraction: 0.002 });
    await slow.run(4 * MIN);
    const alarm = slow.alarms.find((a) => a.code === 'battery-not-following');
    expect(alarm, 'battery-not-following alarm').toBeDefined();
    // The follow timeout is 60 s from the setpoint: raised in the second minute.
    expect(alarm!.atMs - NOON).toBeLessThanOrEqual(3 * MIN);
    expect(limitBreaches(slow.samples)).toEqual([]);
  });

  // The alarm each fault raises; a stuck relay only shows once control switches it (at noon, on surplus).
  const faults: Array<{ name: string; device: 'battery' | 'uno'; fault: DeviceFault | undefined; alarm?: string }> = [
    { name: 'no fault', device: 'battery', fault: undefined },
    { name: 'a battery that ignores commands', device: 'battery', fault: { kind: 'ignore-commands' }, alarm: 'battery-not-following' },
    { name: 'a battery that ramps slowly', device: 'battery', fault: { kind: 'slow-ramp', fraction: 0.002 }, alarm: 'battery-not-following' },
    { name: 'a battery that lost communication', device: 'battery', fault: { kind: 'no-answer' }, alarm: 'control-safe-mode' },
    { name: 'a relay that sticks', device: 'uno', fault: { kind: 'stuck-relay' }, alarm: 'relay-stuck' },
  ];

  for (const { name, device, fault, alarm } of faults) {
    it(`keeps the battery and the connection inside every limit on the simulator's truth with ${name}`, { timeout: 180_000 }, async () => {
      for (const scenario of [
        { startMs: NOON, initialSocPercent: 76, kWp: 30 },
        { startMs: EVENING, initialSocPercent: 30, kWp: 4 },
      ]) {
        const f = await building(scenario);
        // Control first takes the battery over, then the fault strikes while it steers.
        await f.run(2 * MIN);
        if (fault) (device === 'battery' ? f.battery : f.fleet.devices.get('h1-uno')!).faults.set(fault);
        // Under no-answer every poll waits out its timeout in real time: a shorter watch.
        await f.run((fault?.kind === 'no-answer' ? 10 : 28) * MIN);
        expect(limitBreaches(f.samples), new Date(scenario.startMs).toISOString()).toEqual([]);
        // The check had samples to hold: at least the minutes before the fault.
        expect(f.samples.filter((x) => x.underNabo).length).toBeGreaterThanOrEqual(20);
        const codes = f.alarms.map((a) => a.code);
        if (alarm && (fault?.kind !== 'stuck-relay' || scenario.startMs === NOON)) expect(codes).toContain(alarm);
        if (!fault) {
          expect(codes).toEqual([]);
          // The surplus rule ran the 2 kW heater through johnny-five at noon, and the meters saw it; never in the dark.
          const heaterOn = f.samples.filter((x) => x.truth.switchedLoadW === 2000).length;
          if (scenario.startMs === NOON) expect(heaterOn).toBeGreaterThan(100);
          else expect(heaterOn).toBe(0);
        }
        // The limits were reached (so the check had something to hold), unless the fault kept control from acting.
        const soc = f.samples.map((s) => s.truth.battery!.socPercent);
        if (!fault || fault.kind === 'stuck-relay') {
          if (scenario.startMs === NOON) expect(Math.max(...soc)).toBeGreaterThan(LIMITS.maxSocPercent - 0.5);
          else expect(Math.min(...soc)).toBeLessThan(LIMITS.minSocPercent + 0.5);
        }
        await f.close();
        open = [];
      }
    });
  }
});
