import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusDevice, type ModbusDeviceModel } from '../../../device-sim/devices/modbus-device.js';
import type { SetpointWrite } from '../../../device-sim/devices/simulated-device.js';
import { sunspecInverterModel, sunspecStorageModel } from '../../../device-sim/devices/sunspec-models.js';
import { eastronSdm630 } from '../../../protocols/devices/index.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import type { ModbusRequest } from '../../../protocols/modbus/pdu.js';
import type { QuantityValues } from '../../../core/quantities.js';
import { readSunSpecDevice, releaseStorage124, storageSetpoint124 } from '../../../protocols/sunspec/index.js';

function device(model: ModbusDeviceModel, truth: QuantityValues, writes: SetpointWrite[] = []) {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 6, 1, 12) });
  return new ModbusDevice(
    { identity: { deviceId: 'dev', meterId: '12345678', model: 'SIM', manufacturer: 'nabo' }, truth: () => truth, clock, onSetpoint: (w) => writes.push(w) },
    model,
    { unitId: 1 },
  );
}

function reader(d: ModbusDevice) {
  return (address: number, count: number) => {
    const r = d.handle({ kind: 'read', functionCode: 3, address, quantity: count });
    return r.kind === 'read' ? r.registers : undefined;
  };
}

describe('simulated device models', () => {
  it('images an SDM630 that the gateway definition decodes back to the truth', () => {
    const truth: QuantityValues = { powerW: 2345.5, voltageL1V: 231.2, currentL1A: 4.5, frequencyHz: 50.02, energyImportWh: 1_234_567, energyExportWh: 89_000 };
    const d = device(definitionModel('eastron-sdm630'), truth);
    const blocks = [0, 80, 160, 240, 320].map((address) => {
      const r = d.handle({ kind: 'read', functionCode: 4, address, quantity: 80 });
      if (r.kind !== 'read') throw new Error(`read at ${address}: ${JSON.stringify(r)}`);
      return { functionCode: 4 as const, address, registers: r.registers };
    });
    const decoded = decodeDeviceRegisters(eastronSdm630, blocks);
    for (const [q, v] of Object.entries(truth)) expect(decoded.values[q as keyof QuantityValues]).toBeCloseTo(v, q.startsWith('energy') ? -1 : 2);
  });

  it('refuses an SDM630 read longer than the 80 registers its manual allows', () => {
    const d = device(definitionModel('eastron-sdm630'), {});
    expect(d.handle({ kind: 'read', functionCode: 4, address: 0, quantity: 81 })).toEqual({ kind: 'exception', functionCode: 4, exceptionCode: 3 });
  });

  it('images a SunSpec inverter (1, 103, 160) that SunSpec discovery decodes back to the truth', () => {
    const truth: QuantityValues = { pvAcPowerW: 7420, pvDcPowerW: 7650, pvEnergyWh: 12_345_678, frequencyHz: 50.01 };
    const sunspec = readSunSpecDevice(reader(device(sunspecInverterModel(), truth)));
    expect(sunspec.problems).toEqual([]);
    expect(sunspec.chain.map((m) => m.id)).toEqual([1, 103, 160]);
    expect(sunspec.identity).toMatchObject({ manufacturer: 'nabo', model: 'SIM', serial: '12345678' });
    expect(sunspec.quantities.pvAcPowerW).toBeCloseTo(7420, 0);
    expect(sunspec.quantities.pvDcPowerW).toBeCloseTo(7650, 0);
    expect(sunspec.quantities.pvEnergyWh).toBe(12_345_678);
    expect(sunspec.quantities.frequencyHz).toBeCloseTo(50.01, 2);
  });

  it('images a SunSpec battery (1, 124, 802) and turns the gateway’s model 124 writes into battery setpoints', () => {
    const writes: SetpointWrite[] = [];
    const d = device(sunspecStorageModel({ maxPowerW: 5000 }), { socPercent: 64.5, batteryPowerW: -1200, batteryCapacityWh: 10_000 }, writes);
    const sunspec = readSunSpecDevice(reader(d));
    expect(sunspec.problems).toEqual([]);
    expect(sunspec.quantities).toMatchObject({ socPercent: 64.5, batteryPowerW: -1200, batteryCapacityWh: 10_000 });
    const m124 = sunspec.models.find((m) => m.id === 124)!;

    const send = (ws: Array<{ address: number; words: number[] }>) => {
      for (const w of ws) {
        const request: ModbusRequest = { kind: 'write-multiple', functionCode: 16, address: w.address, values: Uint16Array.from(w.words) };
        expect(d.handle(request).kind).toBe('write-multiple');
      }
    };
    const discharge = storageSetpoint124(m124, 2000);
    if (!discharge.ok) throw new Error(discharge.error.detail);
    send(discharge.value);
    const charge = storageSetpoint124(m124, -3500);
    if (!charge.ok) throw new Error(charge.error.detail);
    send(charge.value);
    const release = releaseStorage124(m124);
    if (!release.ok) throw new Error(release.error.detail);
    send(release.value);
    expect(writes.filter((w) => w.kind !== 'register').map((w) => (w.kind === 'battery-power' ? w.batteryPowerW : w.kind))).toEqual([2000, -3500, 'battery-auto']);
  });

  it('answers exception 2 to a write on a read-only SunSpec point', () => {
    const d = device(sunspecStorageModel({ maxPowerW: 5000 }), { socPercent: 50 });
    // The SunS marker is not writable.
    expect(d.handle({ kind: 'write-single', functionCode: 6, address: 40000, value: 1 })).toEqual({ kind: 'exception', functionCode: 6, exceptionCode: 2 });
  });
});
