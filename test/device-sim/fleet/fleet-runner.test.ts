// The fleet on real Modbus TCP ports, time stepped by hand: a client writes a SunSpec model 124
// charge command to the simulated storage, the battery physics follows it and model 802 shows it.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { modelDef } from '../../../protocols/sunspec/models/index.js';
import { startControlServer, type ControlServer } from '../../../device-sim/control/control-server.js';
import { validateFleet } from '../../../device-sim/fleet/fleet-file.js';
import { s0CapacityKW, s0PulseWidthMs, startFleet, type RunningFleet } from '../../../device-sim/fleet/fleet-runner.js';
import { FleetWorld } from '../../../device-sim/fleet/fleet-world.js';

/** One Modbus TCP request/response on a fresh connection; returns the PDU after the function code. */
function request(port: number, unitId: number, pdu: number[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const frame = Buffer.from([0, 7, 0, 0, 0, pdu.length + 1, unitId, ...pdu]);
    let data = Buffer.alloc(0);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      if (data.length >= 6 && data.length >= 6 + data.readUInt16BE(4)) {
        socket.destroy();
        if ((data[7] ?? 0) & 0x80) reject(new Error(`Modbus exception ${data[8]}`));
        else resolve(data.subarray(8));
      }
    });
    socket.on('error', reject);
  });
}

async function readHolding(port: number, address: number, count: number): Promise<number[]> {
  const body = await request(port, 1, [3, address >> 8, address & 0xff, 0, count]);
  const words: number[] = [];
  for (let i = 0; i < count; i++) words.push(body.readUInt16BE(1 + 2 * i));
  return words;
}

function writeHolding(port: number, address: number, words: number[]): Promise<Buffer> {
  const bytes = words.flatMap((w) => [(w >> 8) & 0xff, w & 0xff]);
  return request(port, 1, [16, address >> 8, address & 0xff, 0, words.length, bytes.length, ...bytes]);
}

/** Start of the data of SunSpec model `id` (after its ID and length words). */
async function findModel(port: number, id: number): Promise<number> {
  let address = 40002;
  for (let i = 0; i < 10; i++) {
    const [modelId, length] = await readHolding(port, address, 2);
    if (modelId === id) return address + 2;
    if (modelId === 0xffff || length === undefined) break;
    address += 2 + length;
  }
  throw new Error(`model ${id} not found`);
}

let running: RunningFleet | undefined;
let control: ControlServer | undefined;
afterEach(async () => {
  await control?.close();
  await running?.close();
  running = undefined;
  control = undefined;
});

describe('fleet runner on Modbus TCP', () => {
  it('lets a client charge the battery through SunSpec model 124, and the physics follows', async () => {
    const r = validateFleet({
      version: 1,
      seed: 8,
      blocks: [
        {
          id: 'b1',
          buildings: [
            {
              id: 'b1-h1',
              pv: { kWp: 6 },
              battery: { capacityWh: 10_000, maxChargeW: 4000, maxDischargeW: 4000, initialSocPercent: 40, chargeEfficiency: 0.95 },
              devices: [
                { id: 'meter', kind: 'sdm630' },
                { id: 'battery', kind: 'sunspec-storage', sunspecModel: 124 },
                { id: 'pulses', kind: 's0-board', pins: [{ pin: 2, counts: 'grid-import' }] },
              ],
            },
          ],
        },
      ],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 2, 1, 20, 0) });
    const world = new FleetWorld(r.fleet, clock);
    running = await startFleet(world, { tcpOnly: true });
    control = await startControlServer({ world, clock, devices: running.devices });
    expect(running.skipped).toEqual([{ deviceId: 'b1-h1-pulses', reason: 'a Firmata board needs a pty (tcp-only run)' }]);

    const storage = running.endpoints.get('b1-h1-battery');
    if (storage?.transport !== 'modbus-tcp') throw new Error('storage not on TCP');
    const base = await findModel(storage.port, 124);
    const offset = (name: string): number => {
      const p = modelDef(124)?.points.find((x) => x.name === name);
      if (!p) throw new Error(`no point ${name}`);
      return p.offset;
    };
    // 50.0 % of WChaMax (InOutWRte_SF = -1), then StorCtl_Mod = 1 (charge limit active).
    await writeHolding(storage.port, base + offset('InWRte'), [500]);
    await writeHolding(storage.port, base + offset('StorCtl_Mod'), [1]);
    await clock.advance(30 * 60_000);

    const truth = (await (await fetch(`${control.url}/buildings/b1-h1`)).json()) as { truth: { batteryW: number; battery: { socPercent: number } }; recentWrites: Array<{ kind: string }> };
    expect(truth.truth.batteryW).toBe(-2000);
    // Half an hour at 2 kW into 10 kWh at 95 %: +9.5 percentage points.
    expect(truth.truth.battery.socPercent).toBeCloseTo(40 + 9.5, 6);
    expect(truth.recentWrites.map((w) => w.kind)).toContain('battery-power');
    // And the device reports the new state of charge (ChaState, SF -1).
    const [chaState] = await readHolding(storage.port, base + offset('ChaState'), 1);
    expect((chaState ?? 0) / 10).toBeCloseTo(49.5, 1);
    // Its power and state show in model 802 behind 124, as control needs them (124 carries no power).
    const state = await findModel(storage.port, 802);
    const point802 = (name: string): number => modelDef(802)!.points.find((x) => x.name === name)!.offset;
    const [w, wSf] = (await readHolding(storage.port, state + point802('W'), point802('W_SF') - point802('W') + 1)).filter((_, i, all) => i === 0 || i === all.length - 1);
    const int16 = (x: number): number => (x >= 0x8000 ? x - 0x10000 : x);
    expect(Math.abs(int16(w!) * 10 ** int16(wSf!))).toBe(2000);
    const [chaSt] = await readHolding(storage.port, state + point802('ChaSt'), 1);
    expect(chaSt).toBe(4); // CHARGING
  });

  it('keeps S0 pulses at least 30 ms of real time long at any clock speed, and knows what that costs', () => {
    for (const speed of [1, 10, 60, 1440]) expect(s0PulseWidthMs(speed) / speed).toBeGreaterThanOrEqual(30);
    // Real time: 50 ms pulse + 50 ms gap = 36 000 pulses an hour = 36 kW at 1000 imp/kWh.
    expect(s0CapacityKW(1, 1000)).toBeCloseTo(36, 9);
    expect(s0CapacityKW(60, 1000)).toBeLessThan(1);
  });
});
