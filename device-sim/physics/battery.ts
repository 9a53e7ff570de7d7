// A stationary battery seen from its AC terminals. Power follows the generator convention of
// protocols/quantities.ts: positive discharges, negative charges. It follows the setpoint it
// is given as far as its power limits and its state of charge allow, and never leaves
// [minSoc, maxSoc]: the power for a step is limited so the step cannot cross a bound.

export interface BatterySpec {
  capacityWh: number;
  maxChargeW: number;
  maxDischargeW: number;
  /** AC → stored energy. */
  chargeEfficiency?: number;
  /** Stored energy → AC. */
  dischargeEfficiency?: number;
  minSocPercent?: number;
  maxSocPercent?: number;
  initialSocPercent?: number;
}

export const BATTERY_DEFAULTS = { chargeEfficiency: 0.95, dischargeEfficiency: 0.95, minSocPercent: 5, maxSocPercent: 100, initialSocPercent: 50 } as const;

export interface BatteryLimits {
  minWh: number;
  maxWh: number;
  maxChargeW: number;
  maxDischargeW: number;
  etaCharge: number;
  etaDischarge: number;
}

export function batteryLimits(spec: BatterySpec): BatteryLimits {
  const min = spec.minSocPercent ?? BATTERY_DEFAULTS.minSocPercent;
  const max = spec.maxSocPercent ?? BATTERY_DEFAULTS.maxSocPercent;
  if (!(spec.capacityWh > 0)) throw new Error('battery: capacityWh must be positive');
  if (!(spec.maxChargeW >= 0 && spec.maxDischargeW >= 0)) throw new Error('battery: power limits must be >= 0');
  if (!(min >= 0 && min <= max && max <= 100)) throw new Error('battery: need 0 <= minSocPercent <= maxSocPercent <= 100');
  const etaCharge = spec.chargeEfficiency ?? BATTERY_DEFAULTS.chargeEfficiency;
  const etaDischarge = spec.dischargeEfficiency ?? BATTERY_DEFAULTS.dischargeEfficiency;
  if (!(etaCharge > 0 && etaCharge <= 1 && etaDischarge > 0 && etaDischarge <= 1)) throw new Error('battery: efficiencies must be in (0, 1]');
  return { minWh: (spec.capacityWh * min) / 100, maxWh: (spec.capacityWh * max) / 100, maxChargeW: spec.maxChargeW, maxDischargeW: spec.maxDischargeW, etaCharge, etaDischarge };
}

export function initialStoredWh(spec: BatterySpec): number {
  const lim = batteryLimits(spec);
  const wh = (spec.capacityWh * (spec.initialSocPercent ?? BATTERY_DEFAULTS.initialSocPercent)) / 100;
  return Math.min(lim.maxWh, Math.max(lim.minWh, wh));
}

/**
 * The AC power the battery delivers for the next `durationMs` when asked for `requestedW`:
 * clipped to its power limits and to the energy it can take or give without crossing a bound.
 */
export function feasiblePowerW(lim: BatteryLimits, storedWh: number, requestedW: number, durationMs: number): number {
  if (!Number.isFinite(requestedW)) return 0;
  const hours = durationMs / 3_600_000;
  if (requestedW > 0) {
    const byEnergy = hours > 0 ? (Math.max(0, storedWh - lim.minWh) * lim.etaDischarge) / hours : Infinity;
    return Math.max(0, Math.min(requestedW, lim.maxDischargeW, byEnergy));
  }
  if (requestedW < 0) {
    const byEnergy = hours > 0 ? Math.max(0, lim.maxWh - storedWh) / lim.etaCharge / hours : Infinity;
    return -Math.max(0, Math.min(-requestedW, lim.maxChargeW, byEnergy));
  }
  return 0;
}

/** Stored energy after delivering `powerW` (already feasible) for `durationMs`. */
export function storedAfter(lim: BatteryLimits, storedWh: number, powerW: number, durationMs: number): number {
  const wh = (powerW * durationMs) / 3_600_000;
  const next = powerW >= 0 ? storedWh - wh / lim.etaDischarge : storedWh - wh * lim.etaCharge;
  // Rounding may leave a bound by a few ulps; the bound is the physical truth.
  return Math.min(lim.maxWh, Math.max(lim.minWh, next));
}

export function socPercent(spec: BatterySpec, storedWh: number): number {
  return (storedWh / spec.capacityWh) * 100;
}
