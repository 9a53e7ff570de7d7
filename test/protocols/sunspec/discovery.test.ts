import { describe, expect, it } from 'vitest';
import {
  buildSunSpecImage,
  discoverSync,
  discoveryStep,
  mapReader,
  readSunSpecDevice,
  RegisterMap,
} from '../../../protocols/sunspec/index.js';
import { dumpMap, loadDumps } from './fixture-dumps.js';

const veris = loadDumps().find((r) => r.id === 'sunspec-veris-e51c2-model203')!;

function mapFrom(start: number, words: number[]): Map<number, number> {
  return new Map(words.map((w, i) => [start + i, w]));
}

describe('SunSpec discovery step function', () => {
  it('asks for the marker at 40000 first, then walks header by header', () => {
    const known = new RegisterMap();
    expect(discoveryStep(known)).toEqual({ kind: 'read', address: 40000, count: 4 });
    const dump = dumpMap(veris);
    const read = mapReader(dump);
    known.set(40000, read(40000, 4)!);
    expect(discoveryStep(known)).toEqual({ kind: 'read', address: 40069, count: 2 });
    known.set(40069, read(40069, 2)!);
    expect(discoveryStep(known)).toEqual({ kind: 'read', address: 40176, count: 2 });
    known.set(40176, read(40176, 2)!);
    expect(discoveryStep(known)).toEqual({
      kind: 'done',
      baseAddress: 40000,
      models: [
        { id: 1, address: 40002, length: 65 },
        { id: 203, address: 40069, length: 105 },
      ],
    });
  });

  it('falls back to 0 and then 50000 when 40000 cannot be read or holds no marker', () => {
    const known = new RegisterMap();
    known.markFailed(40000, 4);
    expect(discoveryStep(known)).toEqual({ kind: 'read', address: 0, count: 4 });
    known.set(0, [1, 2, 3, 4]);
    expect(discoveryStep(known)).toEqual({ kind: 'read', address: 50000, count: 4 });
    known.set(50000, [0x5375, 0x6e53, 0xffff, 0]);
    expect(discoveryStep(known)).toEqual({ kind: 'done', baseAddress: 50000, models: [] });
  });

  it('rejects a device without the marker, naming what it found', () => {
    const r = discoverSync(mapReader(mapFrom(40000, [0x5375, 0x6e54, 1, 65])));
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.error.kind).toBe('no-marker');
    expect(r.error.detail).toContain('40000: 0x5375 0x6E54');
    expect(r.error.detail).toContain('0: unreadable');
  });

  it('rejects a chain whose length runs past the address space', () => {
    const r = discoverSync(mapReader(mapFrom(40000, [0x5375, 0x6e53, 1, 0xffff])));
    expect(r).toMatchObject({ kind: 'failed', error: { kind: 'length-overflow' }, models: [] });
  });

  it('ends a chain of empty models that never reaches an end marker (a cyclic-looking chain)', () => {
    // Every header says "model 7, length 0" until the address space ends.
    const words = [0x5375, 0x6e53];
    for (let a = 40002; a <= 0xffff; a += 2) words.push(7, 0);
    const r = discoverSync(mapReader(mapFrom(40000, words)));
    expect(r).toMatchObject({ kind: 'failed', error: { kind: 'too-many-models' } });
    if (r.kind === 'failed') expect(r.models).toHaveLength(256);
  });

  it('stops at the top of the address space when the models are large enough to get there', () => {
    const words = [0x5375, 0x6e53];
    while (words.length < 0x10000 - 40000) words.push(9, 998, ...new Array<number>(998).fill(0));
    const r = discoverSync(mapReader(mapFrom(40000, words.slice(0, 0x10000 - 40000))));
    expect(r.kind).toBe('failed');
    if (r.kind === 'failed') expect(['length-overflow', 'unreadable']).toContain(r.error.kind);
  });

  it('ends on a device that mirrors one header at every address (a cyclic chain)', () => {
    // Some gateways ignore the address: every read returns 'model 103, length 50'.
    let reads = 0;
    const mirror = (address: number, count: number): number[] => {
      reads++;
      if (address === 40000) return [0x5375, 0x6e53, 103, 50].slice(0, count);
      return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 103 : 50));
    };
    const r = discoverSync(mirror);
    expect(r.kind).toBe('failed');
    if (r.kind === 'failed') expect(['too-many-models', 'length-overflow']).toContain(r.error.kind);
    expect(reads).toBeLessThan(300);
  });

  it('rejects model id 0 as a broken chain', () => {
    const r = discoverSync(mapReader(mapFrom(0, [0x5375, 0x6e53, 0, 0])));
    expect(r).toMatchObject({ kind: 'failed', error: { kind: 'bad-model-id' } });
  });
});

describe('reading a corrupted dump', () => {
  it('rejects a wrong marker with its reason and decodes nothing', () => {
    const map = dumpMap(veris);
    map.set(40001, 0x6e54);
    const dev = readSunSpecDevice(mapReader(map));
    expect(dev.models).toEqual([]);
    expect(dev.problems[0]).toMatchObject({ kind: 'no-marker' });
  });

  it('reports a model whose length runs past the dump, keeping the models before it', () => {
    const map = dumpMap(veris);
    map.set(40070, 200); // model 203 announces 200 registers; the dump holds 105
    const dev = readSunSpecDevice(mapReader(map));
    expect(dev.models.map((m) => m.id)).toEqual([1]);
    expect(dev.problems.map((p) => p.kind)).toEqual(['unreadable', 'block-unreadable']);
    expect(dev.problems[1]?.detail).toContain('model 203 at 40069');
  });

  it('reports a model shorter than its definition and decodes what is there', () => {
    const image = buildSunSpecImage({ baseAddress: 40000, models: [{ id: 203, points: { W: 1200, TotWhImp: 5000 } }] });
    const words = Array.from(image.registers);
    words[3] = 21; // L: only the first 21 registers of model 203 (up to W_SF)
    words.splice(4 + 21, 105 - 21);
    const dev = readSunSpecDevice(mapReader(mapFrom(40000, words)));
    expect(dev.problems.map((p) => p.kind)).toEqual(['model-problem']);
    expect(dev.problems[0]?.detail).toContain('short-block');
    expect(dev.models[0]?.points['W']?.value).toBe(1200);
    expect(dev.models[0]?.points['TotWhImp']).toBeUndefined();
  });

  it('skips a vendor model it has no table for and carries on along the chain', () => {
    const words = [0x5375, 0x6e53, 64001, 3, 1, 2, 3, 0xffff, 0];
    const dev = readSunSpecDevice(mapReader(mapFrom(40000, words)));
    expect(dev.complete).toBe(true);
    expect(dev.problems).toMatchObject([{ kind: 'unknown-model', model: 64001 }]);
  });

  it('treats a scale factor outside -10..10 as broken, leaving its points absent', () => {
    const image = buildSunSpecImage({ baseAddress: 40000, models: [{ id: 103, points: { W: 1000, Hz: 50 } }] });
    const registers = Uint16Array.from(image.registers);
    registers[4 + 13] = 42; // W_SF
    const dev = readSunSpecDevice(mapReader(mapFrom(40000, Array.from(registers))));
    expect(dev.models[0]?.points['W']).toBeUndefined();
    expect(dev.models[0]?.points['Hz']?.value).toBe(50);
    expect(dev.problems[0]?.detail).toContain('bad-scale-factor');
  });
});
