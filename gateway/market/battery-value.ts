// What a battery does on its own and what its energy is worth later, from the building's
// forecast. Without a trade a battery serves the building first (self-consumption: it stores
// the surplus and covers the shortfall), whether nabo steers it (control's target is then zero
// exchange) or its own logic does. A stored Wh is worth what it replaces at the first moment
// the battery is forecast to hit a bound: if it fills up and spills first, an extra Wh would be
// exported (worth feed-in); if it runs empty and imports first, an extra Wh saves an import
// (worth retail + tariff). The same event prices the Wh taken out now. Pure.

export interface BatteryModel {
  capacityWh: number;
  /** Stored energy now, as state of charge. */
  socPercent: number;
  minSocPercent: number;
  maxSocPercent: number;
  maxChargeW: number;
  maxDischargeW: number;
  /** AC to stored (default 0.95). */
  chargeEfficiency?: number;
  /** Stored to AC (default 0.95). */
  dischargeEfficiency?: number;
}

export const DEFAULT_EFFICIENCY = 0.95;

export interface SelfConsumptionStep {
  /** The building's exchange with the grid, Wh: + import, − export. */
  netWh: number;
  /** AC energy into the battery (+) or out of it (−), Wh. */
  batteryAcWh: number;
  /** Stored energy after the interval, Wh. */
  storedWh: number;
  /** The battery is at its upper bound and surplus went to the grid. */
  spilled: boolean;
  /** The battery is at its lower bound and the shortfall came from the grid. */
  imported: boolean;
}

function bounds(b: BatteryModel): { minWh: number; maxWh: number } {
  return { minWh: (b.minSocPercent / 100) * b.capacityWh, maxWh: (b.maxSocPercent / 100) * b.capacityWh };
}

/** One interval of self-consumption from `storedWh`, for a building whose load minus PV is `deficitWh`. */
export function selfConsumptionStep(b: BatteryModel, storedWh: number, deficitWh: number, intervalMs: number): SelfConsumptionStep {
  const { minWh, maxWh } = bounds(b);
  const hours = intervalMs / 3_600_000;
  const etaC = b.chargeEfficiency ?? DEFAULT_EFFICIENCY;
  const etaD = b.dischargeEfficiency ?? DEFAULT_EFFICIENCY;
  if (deficitWh < 0) {
    const roomAcWh = Math.max(0, maxWh - storedWh) / etaC;
    const chargeWh = Math.min(-deficitWh, b.maxChargeW * hours, roomAcWh);
    // Spilled at the upper bound only: a surplus beyond the charge power leaves room for later.
    const spilled = -deficitWh > chargeWh && chargeWh >= roomAcWh - 1e-9;
    return { netWh: deficitWh + chargeWh, batteryAcWh: chargeWh, storedWh: storedWh + chargeWh * etaC, spilled, imported: false };
  }
  const availableAcWh = Math.max(0, storedWh - minWh) * etaD;
  const dischargeWh = Math.min(deficitWh, b.maxDischargeW * hours, availableAcWh);
  const imported = deficitWh > dischargeWh && dischargeWh >= availableAcWh - 1e-9;
  return { netWh: deficitWh - dischargeWh, batteryAcWh: -dischargeWh, storedWh: storedWh - dischargeWh / etaD, spilled: false, imported };
}

export interface BatteryOutlook {
  /** Which bound the battery reaches first on self-consumption: 'full' (it spills), 'empty' (it imports) or none in the horizon. */
  first: 'full' | 'empty' | 'none';
  /** Stored Wh that can be taken out now without running empty before it first fills (0 unless first is 'full'). */
  spareStoredWh: number;
  /** Stored Wh that can be added now without spilling before it first runs empty (0 unless first is 'empty'). */
  wantedStoredWh: number;
}

/**
 * The outlook from `storedWh` over the forecast deficits (load − PV per interval, Wh) that
 * follow. A Wh taken out now lowers the path until the battery would have spilled: it may go
 * no lower than the bound before that, and no more than the spill can fill again. A Wh put in
 * now raises the path until the battery would have imported, likewise.
 */
export function batteryOutlook(b: BatteryModel, storedWh: number, deficitsWh: readonly number[], intervalMs: number): BatteryOutlook {
  const { minWh, maxWh } = bounds(b);
  let e = storedWh;
  let lowest = e - minWh;
  let highest = e;
  for (let k = 0; k < deficitsWh.length; k++) {
    const s = selfConsumptionStep(b, e, deficitsWh[k]!, intervalMs);
    if (s.spilled || s.imported) {
      // What the bound hands over in its run (spilled surplus or imported shortfall), as stored Wh.
      let flowWh = 0;
      for (let j = k; j < deficitsWh.length; j++) {
        const t = selfConsumptionStep(b, e, deficitsWh[j]!, intervalMs);
        if (s.spilled ? !t.spilled : !t.imported) break;
        flowWh += s.spilled ? -t.netWh * (b.chargeEfficiency ?? DEFAULT_EFFICIENCY) : t.netWh / (b.dischargeEfficiency ?? DEFAULT_EFFICIENCY);
        e = t.storedWh;
      }
      if (s.spilled) return { first: 'full', spareStoredWh: Math.max(0, Math.min(lowest, flowWh)), wantedStoredWh: 0 };
      return { first: 'empty', spareStoredWh: 0, wantedStoredWh: Math.max(0, Math.min(maxWh - highest, flowWh)) };
    }
    e = s.storedWh;
    lowest = Math.min(lowest, e - minWh);
    highest = Math.max(highest, e);
  }
  return { first: 'none', spareStoredWh: 0, wantedStoredWh: 0 };
}
