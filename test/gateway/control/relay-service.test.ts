// The relay service switching a relay on a simulated Firmata board through johnny-five over a
// socat pty pair; what the board's pin did is the truth every assertion is made on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeHolds } from '../../../gateway/control/holds.js';
import { removeTempFolders } from '../../temp-folders.js';
import { requireTool } from '../../device-sim/transports/tools.js';
import { relayRig, spells, T0, type RelayRig } from './relay-harness.js';

afterAll(removeTempFolders);
let rigs: RelayRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0).reverse()) await r.close();
});
async function rig(...args: Parameters<typeof relayRig>): Promise<RelayRig> {
  const r = await relayRig(...args);
  rigs.push(r);
  return r;
}

const MIN = 60_000;

describe('relays on a Firmata board through johnny-five (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('keeps the minimum on and off times however often control changes its mind', async () => {
    let flip = false;
    // Control flaps every period: on, off, on, off …
    const r = await rig({ minOnMs: 2 * MIN, minOffMs: 3 * MIN, maxSwitchesPerHour: 100 }, { want: () => ((flip = !flip) ? 'on' : 'off') });
    await r.run(60 * MIN);
    const all = spells(r.writes, T0, r.clock.now());
    // Every spell but the last (still running) lasts at least its minimum; nabo counts from its start.
    for (const s of all.slice(0, -1)) expect(s.toMs - s.fromMs, `${s.on ? 'on' : 'off'} spell at ${new Date(s.fromMs).toISOString()}`).toBeGreaterThanOrEqual(s.on ? 2 * MIN : 3 * MIN);
    // It did switch, about once per minimum: 60 min / (2 + 3 min) cycles, give or take a period.
    expect(r.writes.length).toBeGreaterThanOrEqual(18);
    expect(r.alarms.filter((a) => a.code === 'relay-stuck')).toEqual([]);
    const status = r.service.status()[0]!;
    expect((status.blocked as Record<string, number>)['min-on']).toBeGreaterThan(0);
    expect((status.blocked as Record<string, number>)['min-off']).toBeGreaterThan(0);
  });

  it('switches no more often than its hourly limit allows', async () => {
    let flip = false;
    const r = await rig({ minOnMs: 0, minOffMs: 0, maxSwitchesPerHour: 4 }, { want: () => ((flip = !flip) ? 'on' : 'off') });
    await r.run(150 * MIN);
    const times = r.writes.map((w) => w.atMs);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 60 * MIN).length).toBeLessThanOrEqual(4);
    // Two and a half hours at four an hour.
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect((r.service.status()[0]!.blocked as Record<string, number>)['switch-limit']).toBeGreaterThan(0);
  });

  it("raises 'relay-stuck' within its read-back time when the pin ignores writes, and clears it when the relay follows", async () => {
    const r = await rig({ minOnMs: 0, minOffMs: 0, readBackTimeoutMs: 30_000 }, { want: () => 'on' });
    r.board.faults.set({ kind: 'stuck-relay', pin: 8 });
    await r.run(20_000);
    const commanded = r.service.status()[0]!;
    expect(commanded).toMatchObject({ on: true, readBack: false });
    const switchedAtMs = Date.parse(commanded.since as string);
    await r.run(60_000);
    const stuck = r.alarms.filter((a) => a.code === 'relay-stuck');
    expect(stuck).toHaveLength(1);
    expect(stuck[0]!.atMs - switchedAtMs).toBeGreaterThanOrEqual(30_000);
    // Seen at the first round after the read-back time: within one control period of it.
    expect(stuck[0]!.atMs - switchedAtMs).toBeLessThanOrEqual(30_000 + 10_000);
    expect(stuck[0]!.deviceId).toBe('heater');
    expect(r.writes).toEqual([]);
    // The contact frees itself: the next round writes the command again and the pin follows.
    r.board.faults.clear('stuck-relay');
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    expect(r.alarms.filter((a) => a.code === 'relay-stuck').map((a) => a.cleared ?? false)).toEqual([false, true]);
  });

  it('goes to its fail-safe state when the measurements are stale, and back under control when they return', async () => {
    const r = await rig({ minOnMs: MIN, minOffMs: MIN, failSafe: 'on' }, { want: () => 'off', staleAfterMs: 30_000, freshGrid: false });
    r.grid.atMs = T0;
    await r.run(5 * MIN);
    // The meter has said nothing since T0: the heater runs on its own thermostat (fail-safe on).
    expect(r.board.relays.get(8)).toBe(true);
    expect(r.alarms.map((a) => a.code)).toContain('control-safe-mode');
    expect(r.service.status()[0]).toMatchObject({ mode: 'safe', on: true });
    // Only once the minimum off time from nabo's start had passed.
    expect(r.writes[0]!.atMs - T0).toBeGreaterThanOrEqual(MIN);
    r.grid.atMs = Number.POSITIVE_INFINITY;
    await r.run(3 * MIN);
    expect(r.service.status()[0]).toMatchObject({ mode: 'auto', on: false });
    expect(r.board.relays.get(8)).toBe(false);
  });

  it('leaves a held relay in its fail-safe state whatever control wants, and takes it back on release', async () => {
    const r = await rig({ minOnMs: 0, minOffMs: 0, failSafe: 'off' }, { want: () => 'on' });
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    writeHolds(r.dir, { heater: { sinceIso: new Date(r.clock.now()).toISOString(), reason: 'service visit' } });
    await r.run(5 * MIN);
    expect(r.service.status()[0]).toMatchObject({ mode: 'held', on: false });
    expect(r.board.relays.get(8)).toBe(false);
    expect(r.writes.map((w) => w.on)).toEqual([true, false]);
    writeHolds(r.dir, {});
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    expect(r.service.status()[0]).toMatchObject({ mode: 'auto', on: true });
  });

  it('switches the water heater on a surplus larger than its power and off when the building imports (the default rule)', async () => {
    const r = await rig({ minOnMs: 0, minOffMs: 0, loadW: 2000 });
    r.grid.powerW = -1500;
    await r.run(30_000);
    expect(r.board.relays.get(8)).toBe(false);
    r.grid.powerW = -2500;
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    // With the heater on the building still exports a little: it stays on.
    r.grid.powerW = -500;
    await r.run(30_000);
    expect(r.board.relays.get(8)).toBe(true);
    r.grid.powerW = 300;
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(false);
  });

  it('keeps the heater off when it would take the connection past its cap, and switches it off at once when the connection is over it', async () => {
    const r = await rig({ minOnMs: 30 * MIN, minOffMs: 0, loadW: 2000 }, { want: () => 'on', connectionCapW: 6000 });
    r.grid.powerW = 4500;
    await r.run(30_000);
    expect(r.board.relays.get(8)).toBe(false);
    expect((r.service.status()[0]!.blocked as Record<string, number>)['connection-cap']).toBeGreaterThan(0);
    r.grid.powerW = 3500;
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    // Someone starts the oven: the connection is over its cap, well inside the heater's minimum on time.
    r.grid.powerW = 6500;
    await r.run(10_000);
    // One round: the write is on its way over the pty.
    await expect.poll(() => r.board.relays.get(8), { timeout: 5000, interval: 5 }).toBe(false);
    expect(r.clock.now() - r.writes.at(-2)!.atMs).toBeLessThan(30 * MIN);
  });

  it('switches the load on again after the board reset and dropped its outputs, without calling the relay stuck', async () => {
    const r = await rig({ minOnMs: 0, minOffMs: 0, readBackTimeoutMs: 30_000 }, { want: () => 'on' });
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    // The host lets go of the port and takes it again: the Arduino resets (DTR) and its pins go low.
    await r.port.close();
    await expect.poll(() => r.board.relays.get(8), { timeout: 5000, interval: 5 }).toBe(false);
    await r.run(60_000);
    expect(r.service.status()[0]).toMatchObject({ mode: 'unavailable' });
    // The board waits for the next host on the same path.
    await expect.poll(() => r.board.sessions, { timeout: 5000, interval: 5 }).toBe(2);
    await r.port.open();
    await expect.poll(() => r.port.connected, { timeout: 10_000, interval: 5 }).toBe(true);
    await r.run(20_000);
    expect(r.board.relays.get(8)).toBe(true);
    expect(r.service.status()[0]).toMatchObject({ mode: 'auto', on: true, readBack: true });
    expect(r.alarms.filter((a) => a.code === 'relay-stuck')).toEqual([]);
  });
});
