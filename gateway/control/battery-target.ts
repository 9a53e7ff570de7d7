// What the battery should do in an interval: hold the building's exchange with the grid at what
// it traded (or, without a trade, at zero: the building uses its own PV first). The battery
// covers the difference between what the grid meter sees now and the target, on top of what it
// already does. Pure.

export interface TargetInput {
  /** Grid power at the connection now, > 0 importing. */
  gridW: number;
  /** The battery's power now, > 0 discharging. */
  batteryW: number;
  /** The exchange the building traded for this interval, as average power, > 0 importing; 0 without a trade. */
  targetGridW: number;
  /** The plan's battery power for the interval, used when no measurement is fresh enough. */
  plannedW?: number;
}

export function batteryTarget(input: TargetInput): number {
  // More import than traded → discharge more; more export than traded → charge more.
  return input.batteryW + (input.gridW - input.targetGridW);
}
