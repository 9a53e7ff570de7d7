import { describe, expect, it } from 'vitest';
import { defineDevice } from '../../../protocols/devices/define.js';
import { findDefinition } from '../../../protocols/devices/index.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { buildRegisterImage } from '../../../protocols/modbus/image.js';
import { validateDefinition } from '../../../protocols/modbus/registers.js';

const base = { manufacturer: 'Test', model: 'T', description: 'test', source: { document: 'none', version: '0' }, transports: ['tcp'] as const, limits: { maxRegistersPerRequest: 100, forbidden: [] } };

describe('device definitions as data', () => {
  it('fills function code, type, word order and not-available values from the table defaults', () => {
    const def = defineDevice({
      ...base,
      id: 'test-defaults',
      defaults: { functionCode: 4, type: 'i32', wordOrder: 'low-first', notImplemented: { i32: [0x7fffffff] } },
      registers: [
        { name: 'power', address: 0, unit: 'W', quantity: 'powerW' },
        { name: 'status', address: 2, type: 'u16', functionCode: 3 },
        { name: 'energy', address: 4, unit: 'kWh', quantity: 'energyImportWh', divisor: 10 },
      ],
    });
    expect(def.registers[0]).toMatchObject({ functionCode: 4, type: 'i32', wordOrder: 'low-first', notImplemented: [0x7fffffff], poll: 'fast' });
    expect(def.registers[1]).toEqual({ name: 'status', address: 2, functionCode: 3, type: 'u16', poll: 'slow' });
    expect(def.registers[2]).toMatchObject({ poll: 'slow', divisor: 10 });
  });

  it('turns a vendor that counts export as positive into nabo’s import-positive power', () => {
    const def = defineDevice({ ...base, id: 'test-sign', defaults: { functionCode: 3, type: 'i32' }, registers: [{ name: 'p', address: 0, unit: 'W', quantity: 'powerW', positive: 'export' }] });
    expect(def.registers[0]).toMatchObject({ positive: 'export', multiplier: -1 });
    // The device says +1500 (feeding in); nabo stores -1500.
    expect(decodeDeviceRegisters(def, [{ functionCode: 3, address: 0, registers: [0, 1500] }]).values.powerW).toBe(-1500);
  });

  it('refuses a direction that does not belong to the quantity', () => {
    expect(() => defineDevice({ ...base, id: 'test-bad', defaults: { functionCode: 3, type: 'i32' }, registers: [{ name: 'p', address: 0, unit: 'W', quantity: 'powerW', positive: 'charge' }] })).toThrow(/not a direction of powerW/);
  });

  it('takes the sign of a magnitude from a status flag, both ways', () => {
    const def = defineDevice({
      ...base,
      id: 'test-flag',
      defaults: { functionCode: 4, type: 'u16' },
      registers: [
        { name: 'state', address: 0 },
        { name: 'battery', address: 1, unit: 'W', quantity: 'batteryPowerW', signFrom: { register: 'state', mask: 0x2, set: 'charge' } },
      ],
    });
    expect(validateDefinition(def)).toEqual([]);
    const read = (state: number, power: number) => decodeDeviceRegisters(def, [{ functionCode: 4, address: 0, registers: [state, power] }]).values.batteryPowerW;
    expect(read(0x2, 800)).toBe(-800);
    expect(read(0x4, 800)).toBe(800);
    const image = buildRegisterImage(def, { batteryPowerW: -1234 });
    expect([...image.input.slice(0, 2)]).toEqual([0x2, 1234]);
  });

  it('nets a flow split into two unsigned registers (charge and discharge), both ways', () => {
    const def = defineDevice({
      ...base,
      id: 'test-opposite',
      defaults: { functionCode: 4, type: 'u32' },
      registers: [
        { name: 'discharge', address: 0, divisor: 10, unit: 'W', quantity: 'batteryPowerW', opposite: 'charge' },
        { name: 'charge', address: 2, divisor: 10, unit: 'W' },
      ],
    });
    expect(validateDefinition(def)).toEqual([]);
    const read = (discharge: number, charge: number) => decodeDeviceRegisters(def, [{ functionCode: 4, address: 0, registers: [0, discharge, 0, charge] }]).values.batteryPowerW;
    expect(read(15000, 0)).toBe(1500);
    expect(read(0, 8005)).toBe(-800.5);
    const image = buildRegisterImage(def, { batteryPowerW: -1234.5 });
    expect([...image.input.slice(0, 4)]).toEqual([0, 0, 0, 12345]);
  });

  it('reads the Sungrow SH battery direction from bit 0x2 of the power-flow status', () => {
    const sh = findDefinition('sungrow-sh')!;
    const image = buildRegisterImage(sh, { batteryPowerW: -2500, socPercent: 55 });
    const blocks = [{ functionCode: 4 as const, address: 13000, registers: image.input.slice(13000, 13040) }];
    expect(decodeDeviceRegisters(sh, blocks).values).toMatchObject({ batteryPowerW: -2500, socPercent: 55 });
  });
});
