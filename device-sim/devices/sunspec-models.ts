// Simulated SunSpec devices: a PV inverter (models 1, 103, 160) and a battery (models 1, 124,
// 802), imaged with protocols/sunspec so the gateway decodes them with the same tables. The
// battery takes storage-control writes on model 124 the way writes.ts sends them and turns them
// into a battery power setpoint for the physics.
import type { QuantityValues } from '../../core/quantities.js';
import { buildSunSpecImage, type ImageModel } from '../../protocols/sunspec/image.js';
import { modelDef } from '../../protocols/sunspec/models/index.js';
import type { ModbusDeviceModel, ModelSetpoint, WriteOutcome } from './modbus-device.js';
import { RegisterImage } from './register-image.js';
import type { DeviceIdentity } from './simulated-device.js';

export const SUNSPEC_BASE_ADDRESS = 40000;

const ILLEGAL_DATA_ADDRESS = 2;
const ILLEGAL_DATA_VALUE = 3;

function commonModel(identity: DeviceIdentity, unitId: number): ImageModel {
  return {
    id: 1,
    points: { Mn: identity.manufacturer ?? 'nabo-sim', Md: identity.model, Opt: '', Vr: '1.0.0', SN: identity.meterId, DA: unitId },
  };
}

/** Where each model's block starts (after its ID and L words) in a chain built at `base`. */
function blockAddresses(models: readonly ImageModel[], lengths: readonly number[], base: number): Map<number, number> {
  const out = new Map<number, number>();
  let at = base + 2;
  models.forEach((m, i) => {
    out.set(m.id, at + 2);
    at += 2 + (lengths[i] as number);
  });
  return out;
}

function toImage(models: ImageModel[]): RegisterImage {
  const sunspec = buildSunSpecImage({ baseAddress: SUNSPEC_BASE_ADDRESS, models });
  return new RegisterImage().set('holding', sunspec.start, sunspec.registers);
}

/** Writable points of the chain: address → true, from the model tables. */
function writableAddresses(models: readonly ImageModel[], lengths: readonly number[]): Set<number> {
  const blocks = blockAddresses(models, lengths, SUNSPEC_BASE_ADDRESS);
  const out = new Set<number>();
  for (const m of models) {
    const def = modelDef(m.id);
    const start = blocks.get(m.id);
    if (!def || start === undefined) continue;
    for (const p of def.points) if (p.writable) for (let i = 0; i < p.size; i++) out.add(start + p.offset + i);
  }
  return out;
}

function blockLengths(models: readonly ImageModel[]): number[] {
  return models.map((m) => modelDef(m.id)?.fixedLength ?? 0);
}

export interface SunSpecInverterOptions {
  unitId?: number;
  /** MPPT trackers in model 160. */
  trackers?: number;
  /** DC string voltage reported while producing. */
  dcVoltageV?: number;
}

/** A three-phase PV inverter: common model, 103 and 160 (MPPT) from the PV truth. */
export function sunspecInverterModel(options: SunSpecInverterOptions = {}): ModbusDeviceModel {
  const trackers = options.trackers ?? 2;
  const dcV = options.dcVoltageV ?? 600;
  return {
    name: 'sunspec-inverter',
    buildImage(values: QuantityValues, identity: DeviceIdentity) {
      const acW = Math.max(0, values.pvAcPowerW ?? 0);
      const dcW = Math.max(0, values.pvDcPowerW ?? acW);
      const v = [values.voltageL1V ?? 230, values.voltageL2V ?? 230, values.voltageL3V ?? 230];
      const given = [values.currentL1A, values.currentL2A, values.currentL3A];
      const amps = v.map((volts, i) => given[i] ?? acW / 3 / volts);
      const inverter: ImageModel = {
        id: 103,
        points: {
          A: amps.reduce((s, x) => s + x, 0),
          AphA: amps[0]!,
          AphB: amps[1]!,
          AphC: amps[2]!,
          PhVphA: v[0]!,
          PhVphB: v[1]!,
          PhVphC: v[2]!,
          W: acW,
          Hz: values.frequencyHz ?? 50,
          VA: acW,
          VAr: 0,
          PF: 100,
          WH: Math.max(1, Math.round(values.pvEnergyWh ?? 0)),
          DCW: dcW,
          DCV: dcW > 0 ? dcV : 0,
          DCA: dcW > 0 ? dcW / dcV : 0,
          TmpCab: values.temperatureC ?? 25,
          St: acW > 0 ? 4 : 2,
        },
      };
      const mppt: ImageModel = { id: 160, points: {}, repeats: trackers };
      for (let i = 0; i < trackers; i++) {
        mppt.points[`module.${i}.ID`] = i + 1;
        mppt.points[`module.${i}.DCW`] = dcW / trackers;
        mppt.points[`module.${i}.DCV`] = dcW > 0 ? dcV : 0;
        mppt.points[`module.${i}.DCA`] = dcW > 0 ? dcW / trackers / dcV : 0;
        mppt.points[`module.${i}.DCWH`] = Math.max(1, Math.round((values.pvEnergyWh ?? 0) / trackers));
        mppt.points[`module.${i}.DCSt`] = acW > 0 ? 4 : 2;
      }
      return toImage([commonModel(identity, options.unitId ?? 1), inverter, mppt]);
    },
  };
}

export interface SunSpecStorageOptions {
  unitId?: number;
  /** The battery's power limit, the base of InWRte/OutWRte (WChaMax), W. */
  maxPowerW: number;
  /** Models after the common model; 124 carries control, 802 state and power. */
  models?: ReadonlyArray<124 | 802>;
  voltageV?: number;
}

const CHARGING = 4;
const DISCHARGING = 3;
const HOLDING = 6;

/** Scale factor at which `w` fits a uint16. */
function sfFor(w: number): number {
  let sf = 0;
  while (w / 10 ** sf > 65534) sf++;
  return sf;
}

/** A battery inverter: common model, 124 (storage controls) and/or 802 (battery base). */
export function sunspecStorageModel(options: SunSpecStorageOptions): ModbusDeviceModel {
  const chain = options.models ?? [124, 802];
  const wSf = sfFor(options.maxPowerW);
  const volts = options.voltageV ?? 400;
  // Control scale factors stay fixed so written raw values keep their meaning across rebuilds.
  const rateSf = -1;
  const layoutModels: ImageModel[] = [{ id: 1, points: {} }, ...chain.map((id) => ({ id, points: {} }))];
  const lengths = blockLengths(layoutModels);
  const blocks = blockAddresses(layoutModels, lengths, SUNSPEC_BASE_ADDRESS);
  const writable = writableAddresses(layoutModels, lengths);
  const control = blocks.get(124);
  const offsetOf = (name: string): number => modelDef(124)?.points.find((p) => p.name === name)?.offset ?? -1;
  const controlAddress = control === undefined ? undefined : {
    mode: control + offsetOf('StorCtl_Mod'),
    out: control + offsetOf('OutWRte'),
    in: control + offsetOf('InWRte'),
    revert: control + offsetOf('InOutWRte_RvrtTms'),
  };

  return {
    name: 'sunspec-storage',
    buildImage(values: QuantityValues, identity: DeviceIdentity) {
      const powerW = values.batteryPowerW ?? 0;
      const soc = values.socPercent ?? 0;
      const state = powerW > 0 ? DISCHARGING : powerW < 0 ? CHARGING : HOLDING;
      const models: ImageModel[] = [commonModel(identity, options.unitId ?? 1)];
      for (const id of chain) {
        if (id === 124) {
          models.push({
            id: 124,
            points: {
              WChaMax: options.maxPowerW,
              WChaMax_SF: wSf,
              WChaGra: 100,
              WDisChaGra: 100,
              WChaDisChaGra_SF: 0,
              StorCtl_Mod: 0,
              VAChaMax: options.maxPowerW,
              VAChaMax_SF: wSf,
              MinRsvPct: 0,
              MinRsvPct_SF: 0,
              ChaState: soc,
              ChaState_SF: -1,
              StorAval: ((values.batteryCapacityWh ?? 0) * soc) / 100 / volts,
              InBatV: volts,
              ChaSt: state,
              OutWRte: 0,
              InWRte: 0,
              InOutWRte_SF: rateSf,
              ChaGriSet: 1,
            },
          });
        } else {
          models.push({
            id: 802,
            points: {
              WHRtg: values.batteryCapacityWh ?? 0,
              WChaRteMax: options.maxPowerW,
              WDisChaRteMax: options.maxPowerW,
              WChaDisChaMax_SF: wSf,
              SoCMax: 100,
              SoCMin: 0,
              SoCRsvMax: 100,
              SoCRsvMin: 0,
              SoC: soc,
              SoC_SF: -1,
              ChaSt: state,
              LocRemCtl: 1,
              Typ: 4,
              State: 2,
              V: volts,
              A: powerW / volts,
              W: powerW,
              SetOp: 1,
            },
          });
        }
      }
      return toImage(models);
    },
    write(address: number, words: Uint16Array, image: RegisterImage): WriteOutcome {
      for (let i = 0; i < words.length; i++) if (!writable.has(address + i)) return { ok: false, exceptionCode: ILLEGAL_DATA_ADDRESS };
      if (!controlAddress) return { ok: true, setpoints: [] };
      const wordAt = (a: number): number => {
        if (a >= address && a < address + words.length) return words[a - address] as number;
        const w = image.read('holding', a, 1);
        return typeof w === 'number' ? 0 : (w[0] as number);
      };
      const int16 = (w: number): number => (w >= 0x8000 ? w - 0x10000 : w);
      const touches = (a: number): boolean => a >= address && a < address + words.length;
      const touched = touches(controlAddress.mode) || touches(controlAddress.out) || touches(controlAddress.in);
      if (!touched) return { ok: true, setpoints: [] };
      const mode = wordAt(controlAddress.mode);
      const outPct = int16(wordAt(controlAddress.out)) * 10 ** rateSf;
      const inPct = int16(wordAt(controlAddress.in)) * 10 ** rateSf;
      if (Math.abs(outPct) > 100 || Math.abs(inPct) > 100) return { ok: false, exceptionCode: ILLEGAL_DATA_VALUE };
      // Rates only take effect once StorCtl_Mod enables them (the gateway writes it last).
      if (!touches(controlAddress.mode) && mode === 0) return { ok: true, setpoints: [] };
      if (mode === 0) return { ok: true, setpoints: [{ kind: 'battery-auto' }] };
      const discharge = mode & 0b10 && outPct > 0 ? (outPct / 100) * options.maxPowerW : 0;
      const charge = mode & 0b01 && inPct > 0 ? (inPct / 100) * options.maxPowerW : 0;
      const revertAfterS = wordAt(controlAddress.revert);
      const setpoint: ModelSetpoint = { kind: 'battery-power', batteryPowerW: Math.round(discharge - charge), ...(revertAfterS > 0 && revertAfterS < 0xffff ? { revertAfterS } : {}) };
      return { ok: true, setpoints: [setpoint] };
    },
  };
}
