import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { sunspecStorageModel } from '../../../device-sim/devices/sunspec-models.js';
import type { ModbusRequest } from '../../../protocols/modbus/pdu.js';
import { readSunSpecDevice, storageSetpoint124 } from '../../../protocols/sunspec/index.js';

function simulatedBattery() {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 6, 1, 12) });
  const writes: SetpointWrite[] = [];
  const d = new ModbusDevice(
    { identity: { deviceId: 'bat', meterId: '1', model: 'SIM', manufacturer: 'nabo' }, truth: () => ({ socPercent: 50, batteryPowerW: 0, batteryCapacityWh: 10_000 }), clock, onSetpoint: (w) => writes.push(w) },
    sunspecStorageModel({ maxPowerW: 5000 }),
    { unitId: 1 },
  );
  const reader = (address: number, count: number) => {
    const r = d.handle({ kind: 'read', functionCode: 3, address, quantity: count });
    return r.kind === 'read' ? r.registers : undefined;
  };
  const m124 = readSunSpecDevice(reader).models.find((m) => m.id === 124)!;
  const send = (powerW: number, revertAfterS?: number) => {
    const ws = storageSetpoint124(m124, powerW, revertAfterS === undefined ? {} : { revertAfterS });
    if (!ws.ok) throw new Error(ws.error.detail);
    for (const w of ws.value) {
      const request: ModbusRequest = { kind: 'write-multiple', functionCode: 16, address: w.address, values: Uint16Array.from(w.words) };
      expect(d.handle(request).kind).toBe('write-multiple');
    }
  };
  const battery = () => writes.filter((w) => w.kind === 'battery-power' || w.kind === 'battery-auto').map((w) => (w.kind === 'battery-power' ? w.batteryPowerW : 'auto'));
  return { clock, d, send, battery };
}

describe('simulated battery control: revert timeout and faults', () => {
  it('goes back to its own control when no write comes within the revert time, and each write restarts it', async () => {
    const { clock, d, send, battery } = simulatedBattery();
    send(2000, 60);
    await clock.advance(50_000);
    send(2000, 60); // restated: not reported again, but the dead-man switch restarts
    await clock.advance(50_000);
    expect(battery()).toEqual([2000]);
    await clock.advance(10_001);
    expect(battery()).toEqual([2000, 'auto']);
    expect(d.reverts).toBe(1);
  });

  it('keeps following without a revert time', async () => {
    const { clock, send, battery } = simulatedBattery();
    send(-1500);
    await clock.advance(3_600_000);
    expect(battery()).toEqual([-1500]);
  });

  it('acknowledges but ignores commands while the ignore-commands fault is set', () => {
    const { d, send, battery } = simulatedBattery();
    d.faults.set({ kind: 'ignore-commands' });
    send(3000, 60);
    expect(battery()).toEqual([]);
    d.faults.clear('ignore-commands');
    send(2500, 60);
    expect(battery()).toEqual([2500]);
  });
});
