import { describe, expect, it } from 'vitest';
import { decodeCurves, decodeModel, modelDef, readSunSpecDevice } from '../../../protocols/sunspec/index.js';

/** A block of `length` words with points written by name (float32 high word first, int16, uint16). */
function block(id: number, writes: Record<string, number>, repeats = 0, groupWrites: Array<Record<string, number>> = []): number[] {
  const def = modelDef(id)!;
  const length = def.fixedLength + (def.repeating ? def.repeating.length * repeats : 0);
  const words = new Array<number>(length).fill(0);
  const put = (points: typeof def.points, base: number, values: Record<string, number>) => {
    for (const [name, v] of Object.entries(values)) {
      const p = points.find((x) => x.name === name);
      if (!p) throw new Error(`${id}: no point ${name}`);
      if (p.type === 'float32') {
        const dv = new DataView(new ArrayBuffer(4));
        dv.setFloat32(0, v);
        words[base + p.offset] = dv.getUint16(0);
        words[base + p.offset + 1] = dv.getUint16(2);
      } else words[base + p.offset] = v & 0xffff;
    }
  };
  put(def.points, 0, writes);
  groupWrites.forEach((g, i) => put(def.repeating!.points, def.fixedLength + i * def.repeating!.length, g));
  return words;
}

describe('SunSpec float meters 211-214', () => {
  it('discovers a 213 after the common model and normalises it like a 203', () => {
    const common = new Array<number>(66).fill(0);
    const meter = block(213, { W: -1520.5, WphA: -500, Hz: 49.98, PhVphA: 231.5, AphA: 2.5, TotWhImp: 1_234_567, TotWhExp: 89_000, PF: 0.97 });
    const words = [0x5375, 0x6e53, 1, 66, ...common, 213, 124, ...meter, 0xffff, 0];
    const dev = readSunSpecDevice((address, count) => (address >= 40000 && address - 40000 + count <= words.length ? words.slice(address - 40000, address - 40000 + count) : undefined));
    expect(dev.chain.map((m) => m.id)).toEqual([1, 213]);
    expect(dev.quantities.powerW).toBeCloseTo(-1520.5, 3);
    expect(dev.quantities.powerL1W).toBe(-500);
    expect(dev.quantities.frequencyHz).toBeCloseTo(49.98, 4);
    expect(dev.quantities.voltageL1V).toBeCloseTo(231.5, 4);
    expect(dev.quantities.energyImportWh).toBe(1_234_567);
    expect(dev.quantities.energyExportWh).toBe(89_000);
  });

  it('shares one 124-register layout across 211, 212, 213 and 214', () => {
    const names = (id: number) => modelDef(id)!.points.map((p) => `${p.name}@${p.offset}`);
    for (const id of [212, 213, 214]) expect(names(id)).toEqual(names(211));
    expect(modelDef(211)!.points.find((p) => p.name === 'Evt')).toMatchObject({ offset: 122, type: 'bitfield32' });
  });
});

describe('lithium-ion battery models 803 and 804', () => {
  it('decodes a bank of two strings with their scale factors', () => {
    const words = block(803, { NStr: 2, NStrCon: 2, StrVMax: 5123, SoC_SF: -1, V_SF: -1, CellV_SF: -3 }, 2, [
      { StrNMod: 8, StrSoC: 655, StrCellVMax: 3345 },
      { StrNMod: 8, StrSoC: 640, StrCellVMax: 3338 },
    ]);
    const r = decodeModel(803, words);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.problems).toEqual([]);
    expect(r.value.points['StrVMax']?.value).toBeCloseTo(512.3, 6);
    expect(r.value.groups.map((g) => [g['StrSoC']?.value, g['StrCellVMax']?.value])).toEqual([
      [65.5, 3.345],
      [64, 3.338],
    ]);
  });

  it('decodes a string of modules', () => {
    const words = block(804, { Idx: 1, NMod: 1, SoC: 81, V: 4012, V_SF: -1, CellV_SF: -3 }, 1, [{ ModNCell: 16, ModCellVMax: 3351 }]);
    const r = decodeModel(804, words);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.points['V']?.value).toBeCloseTo(401.2, 6);
    expect(r.value.groups[0]?.['ModCellVMax']?.value).toBeCloseTo(3.351, 6);
  });
});

describe('curve models 126-132', () => {
  it('turns a volt-var curve (126) into its active (V, VAr) points, scaled', () => {
    const words = block(126, { ActCrv: 1, NCrv: 1, NPt: 4, V_SF: -1, DeptRef_SF: 0 }, 1, [
      { ActPt: 3, DeptRef: 1, V1: 920, VAr1: 44, V2: 980, VAr2: 0, V3: 1080, VAr3: -44 & 0xffff, V4: 1100 },
    ]);
    const r = decodeModel(126, words);
    if (!r.ok) throw new Error(r.error.detail);
    const [curve] = decodeCurves(r.value);
    expect(curve?.axes).toEqual(['V', 'VAr']);
    expect(curve?.points).toEqual([
      { x: 92, y: 44 },
      { x: 98, y: 0 },
      { x: 108, y: -44 },
    ]);
    expect(curve?.settings.DeptRef).toBe(1);
  });

  it('names the axes of each curve model from its points', () => {
    const axes: Record<number, [string, string]> = { 129: ['Tms', 'V'], 130: ['Tms', 'V'], 131: ['W', 'PF'], 132: ['V', 'W'] };
    for (const [id, want] of Object.entries(axes)) {
      const r = decodeModel(Number(id), block(Number(id), { NCrv: 1 }, 1, [{ ActPt: 1 }]));
      if (!r.ok) throw new Error(r.error.detail);
      expect(decodeCurves(r.value)[0]?.axes, id).toEqual(want);
    }
    const fixed = decodeModel(127, block(127, {}));
    expect(fixed.ok && decodeCurves(fixed.value)).toEqual([]);
  });
});
