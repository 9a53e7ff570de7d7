import { describe, expect, it } from 'vitest';
import { findDefinition } from '../../../protocols/devices/index.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { dumpWords, loadDumps } from '../sunspec/fixture-dumps.js';

/** A real dump as one holding-register block at the address the device serves it from (SunS at 40000). */
function blockOf(id: string) {
  const dump = loadDumps().find((d) => d.id === id)!;
  const base = dump.base_address === 0 ? 40000 : dump.base_address;
  return [{ functionCode: 3 as const, address: base, registers: dumpWords(dump) }];
}

// The fixed vendor maps against real captures (test/fixtures/conformance/sunspec-dumps.json):
// the simulator shares the tables, so only a capture proves the addresses.
describe('fixed SunSpec vendor maps decode real captures', () => {
  it('decodes the SolarEdge SE33.3K dump with the solaredge-se map', () => {
    const r = decodeDeviceRegisters(findDefinition('solaredge-se')!, blockOf('sunspec-solaredge-se33k-model103'));
    expect(r.raw).toMatchObject({ manufacturer: 'SolarEdge', modelName: 'SE33.3K', serialNumber: '7E1240CC', inverterModelId: 103, operatingState: 4 });
    expect(r.values.currentL1A).toBeCloseTo(28.95, 2);
    expect(r.values.voltageL1V).toBeCloseTo(284.9, 1);
    expect(r.values.voltageL3V).toBeCloseTo(281.4, 1);
    expect(r.values.pvAcPowerW).toBeCloseTo(24767, 0);
    expect(r.values.frequencyHz).toBeCloseTo(59.99, 2);
    expect(r.values.pvEnergyWh).toBe(17534384);
    expect(r.values.pvDcPowerW).toBeCloseTo(25144, 0);
    expect(r.raw.acPowerFactor).toBe(-9987);
  });

  it('decodes the Fronius Symo 3.0-3-S float dump with the fronius-symo map', () => {
    const dump = loadDumps().find((d) => d.id === 'sunspec-fronius-symo-3.0-3-s-model113-160')!;
    const derived = (dump.derived_decode as Record<string, Record<string, { value: number | null }>>).model_113!;
    const r = decodeDeviceRegisters(findDefinition('fronius-symo')!, blockOf(dump.id));
    expect(r.raw).toMatchObject({ manufacturer: 'Fronius', modelName: 'Symo 3.0-3-S', inverterModelId: 113 });
    for (const [point, quantity] of [['W', 'pvAcPowerW'], ['Hz', 'frequencyHz'], ['WH', 'pvEnergyWh'], ['DCW', 'pvDcPowerW'], ['PhVphA', 'voltageL1V'], ['AphA', 'currentL1A']] as const) {
      expect(derived[point]?.value, point).toEqual(expect.any(Number));
      expect(r.values[quantity], point).toBeCloseTo(derived[point]!.value!, 1);
    }
  });
});
