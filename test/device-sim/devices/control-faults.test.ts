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
    { unitId: 1, ratedPowerW: 5000 },
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

  it('tells when it last took a write, when its pending revert timer started and when it last reverted', async () => {
    const { clock, d, send } = simulatedBattery();
    const t0 = clock.now();
    expect([d.lastWriteAtMs, d.revertArmedAtMs, d.lastRevertAtMs]).toEqual([undefined, undefined, undefined]);
    send(1000, 30);
    expect([d.lastWriteAtMs, d.revertArmedAtMs]).toEqual([t0, t0]);
    await clock.advance(20_000);
    send(1000, 30);
    expect([d.lastWriteAtMs, d.revertArmedAtMs]).toEqual([t0 + 20_000, t0 + 20_000]);
    await clock.advance(40_000);
    // Ran out 30 s after the write that restarted it; no timer pending any more.
    expect([d.lastRevertAtMs, d.revertArmedAtMs, d.reverts]).toEqual([t0 + 50_000, undefined, 1]);
    // A setpoint with the revert time set to 0 leaves no timer to report; the last revert is history.
    send(-500, 0);
    expect([d.lastWriteAtMs, d.revertArmedAtMs, d.lastRevertAtMs]).toEqual([t0 + 60_000, undefined, t0 + 50_000]);
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

  it('ramps to a new setpoint at a fraction of its rated power per second while slow-ramp is set', async () => {
    const { clock, d, send, battery } = simulatedBattery();
    d.faults.set({ kind: 'slow-ramp', fraction: 0.1 });
    // 10 % of 5 kW per second: 500 W at once, then 500 W more each second.
    send(2000, 60);
    expect(battery()).toEqual([500]);
    await clock.advance(3000);
    expect(battery()).toEqual([500, 1000, 1500, 2000]);
    await clock.advance(5000);
    expect(battery()).toHaveLength(4);
    // Down again from where it is, through zero into charging.
    send(-500, 60);
    await clock.advance(10_000);
    expect(battery().slice(4)).toEqual([1500, 1000, 500, 0, -500]);
  });

  it('finishes a ramp at once when slow-ramp is cleared, and refuses a fraction outside (0, 1]', async () => {
    const { clock, d, send, battery } = simulatedBattery();
    d.faults.set({ kind: 'slow-ramp', fraction: 0.02 });
    send(-3000, 60);
    await clock.advance(2000);
    expect(battery()).toEqual([-100, -200, -300]);
    d.faults.clear('slow-ramp');
    expect(battery().at(-1)).toBe(-3000);
    await clock.advance(10_000);
    expect(battery()).toHaveLength(4);
    expect(() => d.faults.set({ kind: 'slow-ramp', fraction: 0 })).toThrow(/fraction/);
    expect(() => d.faults.set({ kind: 'slow-ramp', fraction: 1.5 })).toThrow(/fraction/);
  });

  it('accepts the control faults in the fault API body and rejects malformed ones', async () => {
    const { parseFaultBody } = await import('../../../device-sim/control/fault-body.js');
    expect(parseFaultBody({ kind: 'slow-ramp', fraction: 0.05 })).toEqual({ ok: true, faults: [{ kind: 'slow-ramp', fraction: 0.05 }] });
    expect(parseFaultBody({ faults: [{ kind: 'stuck-relay' }, { kind: 'stuck-relay', pin: 8 }] }).ok).toBe(true);
    expect(parseFaultBody({ kind: 'slow-ramp', fraction: 0 }).ok).toBe(false);
    expect(parseFaultBody({ kind: 'stuck-relay', pin: 'eight' }).ok).toBe(false);
  });
});
