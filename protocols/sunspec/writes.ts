// Storage control as register writes (address + words), computed from a decoded model. Pure:
// the gateway's control loop sends them (FC16) in the order given.
//
// Model 124: InWRte / OutWRte are percentages of WChaMax (the definition names the discharge
// base WDisChaMax, which 124 does not carry; devices use WChaMax for both). StorCtl_Mod bit 0
// enables the charge limit, bit 1 the discharge limit. Forcing a direction uses the widely
// implemented convention (Fronius, SMA): the opposite limit goes negative, e.g. charging at
// 40 % is InWRte = 40 %, OutWRte = -40 %, StorCtl_Mod = 3.
import { fail, ok, type Result } from '../../core/result.js';
import type { DecodedModel } from './decode-model.js';
import { num } from './decode-model.js';
import { MODEL_123, MODEL_124 } from './models/controls.js';
import { MODEL_802 } from './models/battery.js';
import type { ModelDef } from './types.js';
import { encodeRaw } from './values.js';

export interface RegisterWrite {
  address: number;
  words: number[];
}

export type WriteErrorKind = 'wrong-model' | 'no-address' | 'missing-point' | 'out-of-range';

export interface StorageSetpointOptions {
  /** Seconds after which the device reverts to its own control (InOutWRte_RvrtTms), a dead-man switch. */
  revertAfterS?: number;
  /** Discharge limit base when the device documents one other than WChaMax (W). */
  maxDischargeW?: number;
}

function pointAddress(def: ModelDef, model: DecodedModel, name: string): number | undefined {
  const p = def.points.find((q) => q.name === name);
  return p === undefined || model.address === undefined ? undefined : model.address + 2 + p.offset;
}

/**
 * Writes for a battery setpoint on model 124, in our sign convention: `powerW` > 0 discharges,
 * < 0 charges, 0 holds. Percentages are clamped to ±100 % of the rate base.
 */
export function storageSetpoint124(
  model: DecodedModel,
  powerW: number,
  options: StorageSetpointOptions = {},
): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 124) return fail('wrong-model', `model ${model.id} is not 124 (storage controls)`);
  if (model.address === undefined) return fail('no-address', 'model 124 was decoded without its address');
  if (!Number.isFinite(powerW)) return fail('out-of-range', `setpoint ${powerW} W is not a number`);
  const chargeBase = num(model.points, 'WChaMax');
  const dischargeBase = options.maxDischargeW ?? chargeBase;
  const sf = num(model.points, 'InOutWRte_SF');
  if (chargeBase === undefined || chargeBase <= 0) return fail('missing-point', 'WChaMax is not implemented: no base for InWRte/OutWRte');
  if (dischargeBase === undefined || dischargeBase <= 0) return fail('missing-point', 'no discharge rate base');
  if (sf === undefined) return fail('missing-point', 'InOutWRte_SF is not implemented');
  const base = powerW >= 0 ? dischargeBase : chargeBase;
  const pct = Math.min(100, (Math.abs(powerW) / base) * 100);
  const raw = Math.round(pct / 10 ** sf);
  if (raw > 32767) return fail('out-of-range', `${pct.toFixed(2)} % does not fit InOutWRte with scale factor ${sf}`);
  // Discharging: OutWRte = +pct, InWRte = -pct; charging the other way round; 0 holds.
  const outRaw = powerW >= 0 ? raw : -raw;
  const inRaw = -outRaw;
  const outAddress = pointAddress(MODEL_124, model, 'OutWRte') as number;
  const writes: RegisterWrite[] = [{ address: outAddress, words: [...encodeRaw('int16', 1, outRaw), ...encodeRaw('int16', 1, inRaw)] }];
  if (options.revertAfterS !== undefined) {
    const s = Math.round(options.revertAfterS);
    if (s < 0 || s > 65534) return fail('out-of-range', `revert time ${options.revertAfterS} s does not fit a uint16`);
    writes.push({ address: pointAddress(MODEL_124, model, 'InOutWRte_RvrtTms') as number, words: [s] });
  }
  writes.push({ address: pointAddress(MODEL_124, model, 'StorCtl_Mod') as number, words: [0b11] });
  return ok(writes);
}

/** Hands control back to the device: both limits off (StorCtl_Mod = 0). */
export function releaseStorage124(model: DecodedModel): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 124) return fail('wrong-model', `model ${model.id} is not 124 (storage controls)`);
  if (model.address === undefined) return fail('no-address', 'model 124 was decoded without its address');
  return ok([{ address: pointAddress(MODEL_124, model, 'StorCtl_Mod') as number, words: [0] }]);
}

/**
 * Model 802 has no power setpoint; what a controller can steer is the SoC reserve window
 * (SoCRsvMin/SoCRsvMax, %) and connection (SetOp). Values use the device's SoC_SF.
 */
export function batteryReserve802(
  model: DecodedModel,
  reserve: { minPercent: number; maxPercent: number },
): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 802) return fail('wrong-model', `model ${model.id} is not 802 (battery base)`);
  if (model.address === undefined) return fail('no-address', 'model 802 was decoded without its address');
  const sf = num(model.points, 'SoC_SF');
  if (sf === undefined) return fail('missing-point', 'SoC_SF is not implemented');
  const { minPercent, maxPercent } = reserve;
  if (!(minPercent >= 0 && maxPercent <= 100 && minPercent <= maxPercent)) {
    return fail('out-of-range', `reserve ${minPercent}..${maxPercent} % is not a window inside 0..100 %`);
  }
  const raw = (v: number): number => Math.round(v / 10 ** sf);
  if (raw(maxPercent) > 65534) return fail('out-of-range', `${maxPercent} % does not fit with SoC_SF ${sf}`);
  // SoCRsvMax and SoCRsvMin are adjacent: one write.
  return ok([{ address: pointAddress(MODEL_802, model, 'SoCRsvMax') as number, words: [raw(maxPercent), raw(minPercent)] }]);
}

export function batteryOperation802(model: DecodedModel, op: 'connect' | 'disconnect'): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 802) return fail('wrong-model', `model ${model.id} is not 802 (battery base)`);
  if (model.address === undefined) return fail('no-address', 'model 802 was decoded without its address');
  return ok([{ address: pointAddress(MODEL_802, model, 'SetOp') as number, words: [op === 'connect' ? 1 : 2] }]);
}

/**
 * PV curtailment on model 123: limit output to `limitPercent` of WMax (WMaxLimPct), with an
 * optional revert timer, then enable the limit (WMaxLim_Ena = 1).
 */
export function curtailment123(
  model: DecodedModel,
  limitPercent: number,
  options: { revertAfterS?: number } = {},
): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 123) return fail('wrong-model', `model ${model.id} is not 123 (immediate controls)`);
  if (model.address === undefined) return fail('no-address', 'model 123 was decoded without its address');
  const sf = num(model.points, 'WMaxLimPct_SF');
  if (sf === undefined) return fail('missing-point', 'WMaxLimPct_SF is not implemented');
  if (!(limitPercent >= 0 && limitPercent <= 100)) return fail('out-of-range', `limit ${limitPercent} % is outside 0..100 %`);
  const raw = Math.round(limitPercent / 10 ** sf);
  if (raw > 65534) return fail('out-of-range', `${limitPercent} % does not fit WMaxLimPct with scale factor ${sf}`);
  const writes: RegisterWrite[] = [{ address: pointAddress(MODEL_123, model, 'WMaxLimPct') as number, words: [raw] }];
  if (options.revertAfterS !== undefined) {
    const s = Math.round(options.revertAfterS);
    if (s < 0 || s > 65534) return fail('out-of-range', `revert time ${options.revertAfterS} s does not fit a uint16`);
    writes.push({ address: pointAddress(MODEL_123, model, 'WMaxLimPct_RvrtTms') as number, words: [s] });
  }
  writes.push({ address: pointAddress(MODEL_123, model, 'WMaxLim_Ena') as number, words: [1] });
  return ok(writes);
}

/** Lifts the model 123 output limit (WMaxLim_Ena = 0). */
export function releaseCurtailment123(model: DecodedModel): Result<RegisterWrite[], WriteErrorKind> {
  if (model.id !== 123) return fail('wrong-model', `model ${model.id} is not 123 (immediate controls)`);
  if (model.address === undefined) return fail('no-address', 'model 123 was decoded without its address');
  return ok([{ address: pointAddress(MODEL_123, model, 'WMaxLim_Ena') as number, words: [0] }]);
}
