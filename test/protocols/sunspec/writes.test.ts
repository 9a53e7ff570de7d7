import { describe, expect, it } from 'vitest';
import {
  batteryOperation802,
  curtailment123,
  releaseCurtailment123,
  batteryReserve802,
  buildSunSpecImage,
  imageReader,
  readSunSpecDevice,
  releaseStorage124,
  storageSetpoint124,
  type RegisterWrite,
  type SunSpecImage,
} from '../../../protocols/sunspec/index.js';

function device(image: SunSpecImage) {
  return readSunSpecDevice(imageReader(image));
}

function apply(image: SunSpecImage, writes: RegisterWrite[]): SunSpecImage {
  const registers = Uint16Array.from(image.registers);
  for (const w of writes) w.words.forEach((word, i) => (registers[w.address - image.start + i] = word));
  return { start: image.start, registers };
}

const storageImage = buildSunSpecImage({
  baseAddress: 40000,
  models: [
    { id: 1, points: { Mn: 'nabo' } },
    { id: 124, points: { WChaMax: 5000, InOutWRte_SF: -2, ChaState: 50, StorCtl_Mod: 0, InWRte: 100, OutWRte: 100 } },
  ],
});
const storage = () => device(storageImage).models.find((m) => m.id === 124)!;

describe('model 124 storage setpoints', () => {
  it('discharges 2 kW of a 5 kW battery as OutWRte 40 %, InWRte -40 %, both limits on', () => {
    const writes = storageSetpoint124(storage(), 2000);
    expect(writes.ok).toBe(true);
    if (!writes.ok) return;
    const after = device(apply(storageImage, writes.value)).models.find((m) => m.id === 124)!;
    expect(after.points['OutWRte']?.value).toBe(40);
    expect(after.points['InWRte']?.value).toBe(-40);
    expect(after.points['StorCtl_Mod']?.flags).toEqual(['CHARGE', 'DISCHARGE']);
    // The rates go out before the mode switches them on.
    expect(writes.value.at(-1)?.words).toEqual([3]);
  });

  it('charges at 1.25 kW as InWRte 25 %, OutWRte -25 %, and sets the revert timer', () => {
    const writes = storageSetpoint124(storage(), -1250, { revertAfterS: 900 });
    if (!writes.ok) throw new Error(writes.error.detail);
    const after = device(apply(storageImage, writes.value)).models.find((m) => m.id === 124)!;
    expect(after.points['InWRte']?.value).toBe(25);
    expect(after.points['OutWRte']?.value).toBe(-25);
    expect(after.points['InOutWRte_RvrtTms']?.value).toBe(900);
  });

  it('clamps a setpoint above the rating to 100 % and writes to the model address', () => {
    const writes = storageSetpoint124(storage(), 9000);
    if (!writes.ok) throw new Error(writes.error.detail);
    const outWRte = 40000 + 2 + 68 + 2 + 10; // SunS, model 1 (66 + header), 124 header, OutWRte offset
    expect(writes.value[0]).toEqual({ address: outWRte, words: [10000, (0x10000 - 10000) & 0xffff] });
  });

  it('releases control with StorCtl_Mod = 0', () => {
    const writes = releaseStorage124(storage());
    if (!writes.ok) throw new Error(writes.error.detail);
    expect(device(apply(storageImage, writes.value)).models[1]?.points['StorCtl_Mod']?.flags).toEqual([]);
  });

  it('refuses a model without WChaMax, a non-124 model and a NaN setpoint', () => {
    const bare = device(buildSunSpecImage({ baseAddress: 0, models: [{ id: 124, points: { InOutWRte_SF: 0 } }] })).models[0]!;
    expect(storageSetpoint124(bare, 100)).toMatchObject({ ok: false, error: { kind: 'missing-point' } });
    expect(storageSetpoint124(device(storageImage).models[0]!, 100)).toMatchObject({ ok: false, error: { kind: 'wrong-model' } });
    expect(storageSetpoint124(storage(), Number.NaN)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
  });
});

describe('model 802 battery writes', () => {
  const image = buildSunSpecImage({ baseAddress: 40000, models: [{ id: 802, points: { SoC: 50, SoCRsvMin: 5, SoCRsvMax: 95, SoC_SF: -1, SetOp: 1 } }] });
  const battery = () => device(image).models[0]!;

  it('sets the SoC reserve window in one write', () => {
    const writes = batteryReserve802(battery(), { minPercent: 12, maxPercent: 90.5 });
    if (!writes.ok) throw new Error(writes.error.detail);
    expect(writes.value).toHaveLength(1);
    const after = device(apply(image, writes.value)).models[0]!;
    expect(after.points['SoCRsvMin']?.value).toBe(12);
    expect(after.points['SoCRsvMax']?.value).toBe(90.5);
  });

  it('disconnects through SetOp and refuses an inverted window', () => {
    const writes = batteryOperation802(battery(), 'disconnect');
    if (!writes.ok) throw new Error(writes.error.detail);
    expect(device(apply(image, writes.value)).models[0]?.points['SetOp']?.symbol).toBe('DISCONNECT');
    expect(batteryReserve802(battery(), { minPercent: 60, maxPercent: 40 })).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
  });
});

describe('model 123 PV curtailment', () => {
  const image = buildSunSpecImage({
    baseAddress: 40000,
    models: [{ id: 123, points: { WMaxLimPct: 100, WMaxLimPct_SF: -1, WMaxLim_Ena: 0, Conn: 1 } }],
  });
  const controls = () => device(image).models[0]!;

  it('limits output to 42.5 % of WMax with a revert timer and enables the limit', () => {
    const writes = curtailment123(controls(), 42.5, { revertAfterS: 600 });
    if (!writes.ok) throw new Error(writes.error.detail);
    const after = device(apply(image, writes.value)).models[0]!;
    expect(after.points['WMaxLimPct']?.value).toBe(42.5);
    expect(after.points['WMaxLimPct_RvrtTms']?.value).toBe(600);
    expect(after.points['WMaxLim_Ena']?.symbol).toBe('ENABLED');
  });

  it('lifts the limit and refuses a limit above 100 %', () => {
    const writes = releaseCurtailment123(controls());
    if (!writes.ok) throw new Error(writes.error.detail);
    expect(device(apply(image, writes.value)).models[0]?.points['WMaxLim_Ena']?.symbol).toBe('DISABLED');
    expect(curtailment123(controls(), 120)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
  });
});
