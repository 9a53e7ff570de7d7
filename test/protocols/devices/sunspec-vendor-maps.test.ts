import { describe, expect, it } from 'vitest';
import { findDefinition } from '../../../protocols/devices/index.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { buildRegisterImage } from '../../../protocols/modbus/image.js';
import { readSunSpecDevice } from '../../../protocols/sunspec/index.js';
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
    // The dump has no meter: grid-side values are the inverter's own, read raw with their scale factors.
    const scaled = (name: string, sf: string) => (r.raw[name] as number) * 10 ** (r.raw[sf] as number);
    expect(scaled('acCurrentL1', 'acCurrentSf')).toBeCloseTo(28.95, 2);
    expect(scaled('acVoltageL1', 'acVoltageSf')).toBeCloseTo(284.9, 1);
    expect(scaled('acVoltageL3', 'acVoltageSf')).toBeCloseTo(281.4, 1);
    expect(scaled('acFrequency', 'acFrequencySf')).toBeCloseTo(59.99, 2);
    expect(r.values.pvAcPowerW).toBeCloseTo(24767, 0);
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

// The fixed maps written by hand against the SunSpec tables transcribed from the official
// model files: a simulated device built from the fixed map is discovered and decoded by the
// generic SunSpec reader to the same values.
describe('fixed SunSpec vendor maps agree with the generic SunSpec tables', () => {
  const cases = [
    {
      id: 'solaredge-se',
      truth: { pvAcPowerW: 7420, pvDcPowerW: 7650, pvEnergyWh: 12_345_678, frequencyHz: 50.01, voltageL1V: 231.4, currentL1A: 10.7, powerW: -2310, energyImportWh: 4_567_000, energyExportWh: 1_234_000 },
      chain: [1, 103, 1, 203],
      options: { meterSign: 'export-positive' as const },
      // Known difference (see the definition): the generic reader's export-positive setting also
      // swaps the counters, while evcc and this map keep M_Imported as the grid import.
      swapsCounters: true,
    },
    {
      id: 'fronius-symo',
      truth: { pvAcPowerW: 4210.5, pvDcPowerW: 4380.25, pvEnergyWh: 23_456_788, frequencyHz: 49.98, voltageL1V: 229.75, currentL1A: 6.125 },
      chain: [1, 113],
      options: {},
      swapsCounters: false,
    },
  ];
  for (const c of cases) {
    it(`${c.id}: discovery finds models ${c.chain.join(', ')} and decodes what the fixed map serves`, () => {
      const def = findDefinition(c.id)!;
      const image = buildRegisterImage(def, c.truth);
      const dev = readSunSpecDevice((address, count) => image.holding.slice(address, address + count), c.options);
      expect(dev.problems).toEqual([]);
      expect(dev.chain.map((m) => m.id)).toEqual(c.chain);
      const fixed = decodeDeviceRegisters(def, [{ functionCode: 3, address: 40000, registers: image.holding.slice(40000, 40300) }]).values;
      for (const [q, v] of Object.entries(c.truth) as Array<[keyof typeof fixed, number]>) {
        expect(fixed[q], `fixed map ${q}`).toBeCloseTo(v, 0);
        // The generic reader keeps float32 values to 7 significant digits.
        const generic = c.swapsCounters && q === 'energyImportWh' ? dev.quantities.energyExportWh : c.swapsCounters && q === 'energyExportWh' ? dev.quantities.energyImportWh : dev.quantities[q];
        expect(Math.abs(generic! - fixed[q]!), `generic SunSpec ${q}: ${generic} vs ${fixed[q]}`).toBeLessThanOrEqual(Math.abs(fixed[q]!) * 1e-6 + 1e-6);
      }
    });
  }
});
