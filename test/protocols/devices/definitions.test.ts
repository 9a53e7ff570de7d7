import { describe, expect, it } from 'vitest';
import { ALL_DEFINITIONS, DEVICE_DEFINITIONS, SUNSPEC_DEFINITION, findAnyDefinition, findDefinition, isSunSpecDefinition } from '../../../protocols/devices/index.js';
import { sunspecChainDefinition } from '../../../protocols/devices/sunspec.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { answerReadRequest, buildRegisterImage } from '../../../protocols/modbus/image.js';
import { rtuLine, tcpLine } from '../../../protocols/modbus/line-time.js';
import { planReads } from '../../../protocols/modbus/planner.js';
import { registerWords, validateDefinition, type DeviceDefinition, type RegisterDef } from '../../../protocols/modbus/registers.js';
import { rawToValue, valueFactor } from '../../../protocols/modbus/values.js';
import { QUANTITIES, type Quantity, type QuantityValues } from '../../../core/quantities.js';
import { loadConformance } from '../modbus/fixtures.js';

/** Deterministic values in each quantity's plausible range (seeded, no Math.random). */
function sampleValues(def: DeviceDefinition, seed: number): QuantityValues {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const range: Partial<Record<Quantity, [number, number]>> = { powerFactor: [-1, 1], frequencyHz: [49, 51], socPercent: [0, 100] };
  const values: QuantityValues = {};
  for (const r of def.registers) {
    if (!r.quantity) continue;
    const unit = QUANTITIES[r.quantity];
    const [lo, hi] = range[r.quantity] ?? (unit === 'V' ? [200, 250] : unit === 'A' ? [0, 60] : unit === 'Wh' || unit === 'varh' ? [0, 5e8] : r.type.startsWith('u') ? [0, 2e4] : [-2e4, 2e4]);
    values[r.quantity] = lo + (hi - lo) * next();
  }
  return values;
}

/** Half a step of the register's resolution, or float32 rounding, whichever applies. */
function tolerance(r: RegisterDef, v: number): number {
  if (r.type === 'float32') return Math.abs(v) * 2 ** -23 + 1e-9;
  if (r.type === 'float64') return Math.abs(v) * 2 ** -52 + 1e-12;
  return Math.abs(valueFactor(r)) / 2 + 1e-9;
}

describe('device definitions', () => {
  it('lists each definition once under a kebab-case id and finds it by id', () => {
    const ids = DEVICE_DEFINITIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of DEVICE_DEFINITIONS) expect(findDefinition(d.id)).toBe(d);
    expect(findDefinition('no-such-meter')).toBeUndefined();
    expect(ids).toEqual(expect.arrayContaining(['eastron-sdm630', 'eastron-sdm120', 'eastron-sdm72d-m', 'eastron-sdm72d-m-v2', 'carlo-gavazzi-em24', 'carlo-gavazzi-em340', 'abb-b23-b24']));
  });

  for (const def of DEVICE_DEFINITIONS) {
    describe(def.id, () => {
      it('is internally consistent and names the document it was checked against', () => {
        expect(validateDefinition(def)).toEqual([]);
        expect(def.source.document.length).toBeGreaterThan(10);
        expect(def.source.version.length).toBeGreaterThan(0);
        for (const r of def.registers) if (r.quantity) expect(() => valueFactor(r)).not.toThrow();
      });

      for (const [lineName, line] of [['RTU 9600 8N1', rtuLine(9600, '8N1', 10)], ['TCP', tcpLine(5, 1000)]] as const) {
        it(`round-trips values through image, plan (${lineName}), answers and decoder`, () => {
          for (const seed of [1, 2, 3]) {
            const values = sampleValues(def, seed);
            const image = buildRegisterImage(def, values);
            const groups = ['fast', 'slow', 'identity'] as const;
            const plan = planReads(def, { line, groups });
            const blocks = plan.requests.map((r) => {
              const answer = answerReadRequest(def, image, { kind: 'read', functionCode: r.functionCode, address: r.address, quantity: r.quantity });
              if (answer.kind !== 'read') throw new Error(`device would refuse ${r.functionCode}/${r.address}+${r.quantity}`);
              return { functionCode: r.functionCode, address: r.address, registers: answer.registers.slice() };
            });
            const decoded = decodeDeviceRegisters(def, blocks, { groups });
            expect(decoded.rejections).toEqual([]);
            expect(Object.keys(decoded.values).sort()).toEqual(Object.keys(values).sort());
            for (const r of def.registers) {
              if (!r.quantity) continue;
              const want = values[r.quantity]!;
              const got = decoded.values[r.quantity]!;
              expect(Math.abs(got - want), `${r.name}: ${got} vs ${want}`).toBeLessThanOrEqual(tolerance(r, want));
            }
            for (const check of def.identification ?? []) {
              if (check.register !== undefined) expect(check.anyOf).toContain(decoded.raw[check.register]);
              else {
                const probe = answerReadRequest(def, image, { kind: 'read', functionCode: check.probe.functionCode, address: check.probe.address, quantity: 1 });
                expect(probe.kind === 'read' && check.anyOf).toContain(probe.kind === 'read' ? probe.registers[0] : -1);
              }
            }
          }
        });
      }

      it('plans fewer requests than registers and never more words per request than the device allows', () => {
        const plan = planReads(def, { line: rtuLine(9600), groups: ['fast', 'slow', 'identity'] });
        expect(plan.requests.length).toBeLessThanOrEqual(def.registers.length);
        for (const r of plan.requests) expect(r.quantity).toBeLessThanOrEqual(def.limits.maxRegistersPerRequest);
        expect(plan.wordsNeeded).toBe(def.registers.reduce((n, r) => n + registerWords(r), 0));
      });
    });
  }
});

describe('definitions agree with the register maps of the conformance set', () => {
  const maps: any[] = loadConformance('modbus-registers.json').register_maps;
  const cases: Array<[string, string]> = [['map-eastron-sdm630', 'eastron-sdm630'], ['map-eastron-sdm120', 'eastron-sdm120'], ['map-carlogavazzi-em24', 'carlo-gavazzi-em24']];
  const typeOf = (r: any) => (r.data_type === 'int32_lsw_first' ? 'i32/low-first' : r.data_type === 'int16' ? 'i16/high-first' : r.data_type === 'uint32' ? 'u32/high-first' : `${r.data_type}/high-first`);

  for (const [mapId, defId] of cases) {
    it(`${defId} matches ${mapId} in address, function, type, word order, scale and unit`, () => {
      const map = maps.find((m) => m.id === mapId);
      const def = findDefinition(defId)!;
      let matched = 0;
      for (const r of def.registers) {
        const ref = map.registers.find((x: any) => x.address === r.address && x.function_code === r.functionCode);
        if (!ref) continue;
        matched++;
        expect(`${r.type}/${r.wordOrder ?? 'high-first'}`, r.name).toBe(typeOf(ref));
        expect(registerWords(r), r.name).toBe(ref.words);
        expect(r.divisor ?? 1, r.name).toBe(ref.divide_by ?? 1);
        if (r.functionCode === 4) expect((r.unit ?? '').toLowerCase(), r.name).toBe((ref.unit ?? '').toLowerCase());
      }
      // Every input register of the reference map is in the definition.
      const inputs = map.registers.filter((x: any) => x.function_code === 4);
      for (const x of inputs) expect(def.registers.some((r) => r.functionCode === 4 && r.address === x.address), `${x.name} @${x.address}`).toBe(true);
      expect(matched).toBeGreaterThanOrEqual(inputs.length);
    });
  }

  it('decodes energy in kWh from the meters into Wh', () => {
    const sdm = findDefinition('eastron-sdm630')!;
    const reg = sdm.registers.find((r) => r.quantity === 'energyImportWh')!;
    expect(rawToValue(reg, 1234.5)).toBe(1234500);
    const abb = findDefinition('abb-b23-b24')!;
    const abbReg = abb.registers.find((r) => r.quantity === 'energyImportWh')!;
    expect(rawToValue(abbReg, 123456)).toBe(1234560);
  });
});

describe('the generic SunSpec device in the registry', () => {
  /** A chain laid out from 40000 as discovery finds it: 'SunS', then each model's ID, L and block. */
  function chainOf(models: ReadonlyArray<{ id: number; repeats?: number }>) {
    let address = 40002;
    return models.map(({ id, repeats = 0 }) => {
      const m = SUNSPEC_DEFINITION.supportedModels.find((x) => x.id === id)!;
      const ref = { id, address, length: m.length + (m.repeating ? m.repeating.length * repeats : 0) };
      address += 2 + ref.length;
      return ref;
    });
  }

  it('is listed with the fixed maps and found by id', () => {
    expect(ALL_DEFINITIONS).toContain(SUNSPEC_DEFINITION);
    const found = findAnyDefinition('sunspec')!;
    expect(isSunSpecDefinition(found)).toBe(true);
    expect(isSunSpecDefinition(findAnyDefinition('eastron-sdm630')!)).toBe(false);
  });

  for (const chain of [
    [{ id: 1 }, { id: 103 }, { id: 160, repeats: 2 }],
    [{ id: 1 }, { id: 124 }, { id: 802 }],
    [{ id: 1 }, { id: 113 }, { id: 203 }],
  ]) {
    it(`round-trips raw values of chain ${chain.map((m) => m.id).join('+')} through image, plan and decoder`, () => {
      const def = sunspecChainDefinition(chainOf(chain));
      expect(validateDefinition(def)).toEqual([]);
      let s = 7;
      const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
      const raw: Record<string, number | string> = {};
      for (const r of def.registers) {
        if (r.type === 'string') raw[r.name] = `S${next() % 1000}`;
        else if (r.type === 'float32') raw[r.name] = Math.fround((next() % 100000) / 8);
        else if (r.type === 'i16') raw[r.name] = (next() % 20) - 10;
        else raw[r.name] = (next() % 30000) + 1;
      }
      const image = buildRegisterImage(def, {}, { raw });
      const groups = ['fast', 'slow', 'identity'] as const;
      const plan = planReads(def, { line: rtuLine(9600), groups });
      const blocks = plan.requests.map((r) => {
        const answer = answerReadRequest(def, image, { kind: 'read', functionCode: r.functionCode, address: r.address, quantity: r.quantity });
        if (answer.kind !== 'read') throw new Error('refused');
        return { functionCode: r.functionCode, address: r.address, registers: answer.registers.slice() };
      });
      expect(decodeDeviceRegisters(def, blocks, { groups }).raw).toEqual(raw);
    });
  }
});

describe('where the vendor table and the conformance map disagree', () => {
  it('reads EM24 import energy from kWh(+) TOT at 0x3E, not the partial counter the mbmd map calls Import (0x42)', () => {
    const em24 = findDefinition('carlo-gavazzi-em24')!;
    const map = (loadConformance('modbus-registers.json').register_maps as any[]).find((m) => m.id === 'map-carlogavazzi-em24');
    expect(map.registers.find((r: any) => r.name === 'Import').address).toBe(0x42);
    expect(em24.registers.find((r) => r.quantity === 'energyImportWh')!.address).toBe(0x3e);
    const partial = em24.registers.find((r) => r.address === 0x42)!;
    expect(partial.quantity).toBeUndefined();
    expect(partial.description).toContain('PAR');
  });
});
