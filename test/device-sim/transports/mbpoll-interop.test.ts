// A third-party Modbus master (mbpoll, Debian package) reads the simulated SDM630 and SunSpec
// inverter over TCP and over RTU on a pty bus; its values must agree with the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import { SUNSPEC_BASE_ADDRESS, sunspecInverterModel } from '../../../device-sim/devices/sunspec-models.js';
import { ModbusRtuBus } from '../../../device-sim/transports/modbus-rtu-bus.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { modelDef } from '../../../protocols/sunspec/models/index.js';
import type { QuantityValues } from '../../../core/quantities.js';
import { mbpoll, requireTool } from './tools.js';

const METER_TRUTH: QuantityValues = { powerW: 3456.25, voltageL1V: 229.5, frequencyHz: 49.98, energyImportWh: 2_345_678, energyExportWh: 123_000 };
const PV_TRUTH: QuantityValues = { pvAcPowerW: 6120, pvDcPowerW: 6400, pvEnergyWh: 9_876_543 };

// Model 103 follows the common model (ID, L, 66 words) after 'SunS'.
const M103 = SUNSPEC_BASE_ADDRESS + 2 + 2 + modelDef(1)!.fixedLength + 2;
const offset = (name: string) => modelDef(103)!.points.find((p) => p.name === name)!.offset;

const int16 = (w: number) => (w >= 0x8000 ? w - 0x10000 : w);

function devices(clock: SimulatedClock) {
  const identity = (deviceId: string) => ({ deviceId, meterId: '20260001', model: deviceId === 'meter' ? 'SDM630' : 'SIM-PV', manufacturer: 'nabo' });
  const meter = new ModbusDevice({ identity: identity('meter'), truth: () => METER_TRUTH, clock }, definitionModel('eastron-sdm630'), { unitId: 1 });
  const pv = new ModbusDevice({ identity: identity('pv'), truth: () => PV_TRUTH, clock }, sunspecInverterModel(), { unitId: 2 });
  return { meter, pv };
}

/** The checks, given how to run mbpoll for one unit. */
async function checkAgainstTruth(poll: (unitId: number, args: string[]) => Promise<Map<number, number>>) {
  const floats = await poll(1, ['-t', '3:float', '-B', '-r', '52', '-c', '1']);
  expect(floats.get(52)).toBeCloseTo(METER_TRUTH.powerW!, 2);
  const energy = await poll(1, ['-t', '3:float', '-B', '-r', '72', '-c', '2']);
  expect((energy.get(72) ?? NaN) * 1000).toBeCloseTo(METER_TRUTH.energyImportWh!, -1);
  expect((energy.get(74) ?? NaN) * 1000).toBeCloseTo(METER_TRUTH.energyExportWh!, -1);
  const volts = await poll(1, ['-t', '3:float', '-B', '-r', '0', '-c', '1']);
  expect(volts.get(0)).toBeCloseTo(METER_TRUTH.voltageL1V!, 3);

  const marker = await poll(2, ['-t', '4:hex', '-r', String(SUNSPEC_BASE_ADDRESS), '-c', '2']);
  expect([marker.get(SUNSPEC_BASE_ADDRESS), marker.get(SUNSPEC_BASE_ADDRESS + 1)]).toEqual([0x5375, 0x6e53]);
  const w = await poll(2, ['-t', '4:hex', '-r', String(M103 + offset('W')), '-c', '2']);
  const watts = int16(w.get(M103 + offset('W'))!) * 10 ** int16(w.get(M103 + offset('W_SF'))!);
  expect(watts).toBeCloseTo(PV_TRUTH.pvAcPowerW!, 6);
  const wh = await poll(2, ['-t', '4:int', '-B', '-r', String(M103 + offset('WH')), '-c', '1']);
  const whSf = await poll(2, ['-t', '4:hex', '-r', String(M103 + offset('WH_SF')), '-c', '1']);
  expect(wh.get(M103 + offset('WH'))! * 10 ** int16(whSf.get(M103 + offset('WH_SF'))!)).toBe(PV_TRUTH.pvEnergyWh);
}

describe('mbpoll reads the simulated SDM630 and SunSpec inverter over Modbus TCP (needs mbpoll)', () => {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12) });
  const server = new ModbusTcpServer({ clock });
  beforeAll(async () => {
    requireTool('mbpoll');
    const { meter, pv } = devices(clock);
    server.add(meter);
    server.add(pv);
    await server.listen();
  });
  afterAll(() => server.close());

  it('agrees with the truth for every value it reads', async () => {
    await checkAgainstTruth((unitId, args) => mbpoll(['-m', 'tcp', '-p', String(server.port), '-a', String(unitId), '-0', ...args, '127.0.0.1']));
    expect(server.stats.answered).toBe(7);
  });
});

describe('mbpoll reads the simulated SDM630 and SunSpec inverter over RTU on a pty bus (needs socat, mbpoll)', () => {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12) });
  let bus: ModbusRtuBus | undefined;
  beforeAll(async () => {
    requireTool('socat');
    requireTool('mbpoll');
    bus = await ModbusRtuBus.open({ clock, baudRate: 19200, parity: 'even' });
    const { meter, pv } = devices(clock);
    bus.add(meter);
    bus.add(pv);
  });
  afterAll(() => bus?.close());

  it('agrees with the truth for every value it reads', async () => {
    const b = bus!;
    await checkAgainstTruth((unitId, args) => mbpoll(['-m', 'rtu', '-b', '19200', '-P', 'even', '-a', String(unitId), '-0', ...args, b.clientPath]));
    expect(b.stats).toMatchObject({ requests: 7, answered: 7, discardedBytes: 0 });
  });
});
