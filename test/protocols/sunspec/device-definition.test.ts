// The generic SunSpec device of protocols/devices/sunspec.ts against the meters' register
// machinery: a discovered chain becomes a valid DeviceDefinition the planner can read, and
// the planned answers decode to what a whole-dump read gives.
import { describe, expect, it } from 'vitest';
import { decodeSunSpecBlocks, sunspec, sunspecChainDefinition } from '../../../protocols/devices/sunspec.js';
import { decodeDeviceRegisters } from '../../../protocols/modbus/device-decode.js';
import { rtuLine } from '../../../protocols/modbus/line-time.js';
import { planReads } from '../../../protocols/modbus/planner.js';
import { validateDefinition } from '../../../protocols/modbus/registers.js';
import { discoveryStep, mapReader, readSunSpecDevice } from '../../../protocols/sunspec/index.js';
import { dumpMap, loadDumps } from './fixture-dumps.js';

const records = loadDumps();

describe('generic SunSpec device definition', () => {
  it('lists the supported models with their lengths and the discovery procedure', () => {
    expect(sunspec.id).toBe('sunspec');
    expect(sunspec.discovery.baseCandidates).toEqual([40000, 0, 50000]);
    expect(sunspec.discovery.step).toBe(discoveryStep);
    expect(sunspec.supportedModels.find((m) => m.id === 203)).toEqual({ id: 203, label: 'Meter (Wye-Connect Three Phase)', length: 105 });
    expect(sunspec.supportedModels.find((m) => m.id === 160)?.repeating).toEqual({ name: 'module', length: 20 });
  });

  it.each(records.map((r) => [r.id, r] as const))('%s: the discovered chain is a valid register definition', (_id, r) => {
    const dev = readSunSpecDevice(mapReader(dumpMap(r)));
    const def = sunspecChainDefinition(dev.chain);
    expect(validateDefinition(def)).toEqual([]);
    expect(def.registers.length).toBeGreaterThan(10);
  });

  it('plans reads of a chain and decodes the answers like a whole-dump read', () => {
    const r = records.find((x) => x.id === 'sunspec-fronius-symo-3.0-3-s-model113-160')!;
    const map = dumpMap(r);
    const whole = readSunSpecDevice(mapReader(map));
    const def = sunspecChainDefinition(whole.chain);
    const plan = planReads(def, { line: rtuLine(9600), groups: ['identity', 'fast', 'slow'] });
    const blocks = plan.requests.map((q) => ({
      functionCode: 3 as const,
      address: q.address,
      registers: mapReader(map)(q.address, q.quantity) ?? [],
    }));
    // The planner's decoder agrees on raw values and scale factors ...
    const theirs = decodeDeviceRegisters(def, blocks);
    expect(theirs.raw['m160.module0.DCW']).toBe(6595);
    expect(theirs.raw['m160.DCW_SF']).toBe(-2);
    expect(theirs.raw['m1.Mn']).toBe('Fronius');
    // ... and ours turns the planned blocks into the same device.
    const ours = decodeSunSpecBlocks(whole.chain, blocks);
    expect(ours.quantities).toEqual(whole.quantities);
    expect(ours.models).toEqual(whole.models);
    expect(ours.problems).toEqual([]);
  });

  it('reports a model whose registers the blocks do not cover', () => {
    const r = records.find((x) => x.id === 'sunspec-veris-e51c2-model203')!;
    const map = dumpMap(r);
    const chain = readSunSpecDevice(mapReader(map)).chain;
    const dev = decodeSunSpecBlocks(chain, [{ address: 40000, registers: mapReader(map)(40000, 100) ?? [] }]);
    expect(dev.models.map((m) => m.id)).toEqual([1]);
    expect(dev.problems).toMatchObject([{ kind: 'block-unreadable', model: 203 }]);
  });
});
