// The limits control never crosses, whatever the plan or the market asks: the battery's charge
// and discharge power, its state-of-charge window, its ramp rate, and the building's connection
// (main fuse or the DSO's cap) in both directions. Pure: the control service feeds it what the
// meters say now. Sign convention (core/quantities): battery power > 0 discharges, < 0 charges;
// grid power > 0 imports.

export interface BatteryLimits {
  maxChargeW: number;
  maxDischargeW: number;
  minSocPercent: number;
  maxSocPercent: number;
  /** Largest change per second; none when absent. */
  rampWPerS?: number;
}

export interface SetpointInput {
  /** What the plan and the trade ask for. */
  requestedW: number;
  limits: BatteryLimits;
  socPercent: number;
  /** The setpoint in force now (0 when the battery runs on its own), and how long ago it was set. */
  previousW: number;
  elapsedS: number;
  /** The battery's power now and the grid's, from the meters; with a cap they bound the change. */
  batteryW?: number;
  gridW?: number;
  /** Largest import and export at the connection (main fuse, DSO cap), W. */
  connectionCapW?: number;
}

export type LimitReason = 'charge-power' | 'discharge-power' | 'soc-min' | 'soc-max' | 'ramp' | 'connection-import' | 'connection-export';

export interface SafeSetpoint {
  powerW: number;
  /** Which limits cut the request, in the order they applied. */
  limitedBy: LimitReason[];
}

export function safeSetpoint(input: SetpointInput): SafeSetpoint {
  const { limits } = input;
  const limitedBy: LimitReason[] = [];
  let w = Number.isFinite(input.requestedW) ? input.requestedW : 0;
  const cut = (value: number, reason: LimitReason): void => {
    if (value !== w) {
      w = value;
      limitedBy.push(reason);
    }
  };
  // Softer rules first, the battery's own hard limits last, so those always hold.
  if (input.connectionCapW !== undefined && input.batteryW !== undefined && input.gridW !== undefined) {
    // The rest of the building stays as it is: grid after = grid now − (new battery − battery now).
    const gridAfter = (b: number): number => input.gridW! - (b - input.batteryW!);
    if (gridAfter(w) > input.connectionCapW) cut(input.batteryW + input.gridW - input.connectionCapW, 'connection-import');
    if (gridAfter(w) < -input.connectionCapW) cut(input.batteryW + input.gridW + input.connectionCapW, 'connection-export');
  }
  if (limits.rampWPerS !== undefined) {
    const step = limits.rampWPerS * Math.max(0, input.elapsedS);
    if (w > input.previousW + step) cut(input.previousW + step, 'ramp');
    if (w < input.previousW - step) cut(input.previousW - step, 'ramp');
  }
  if (w > limits.maxDischargeW) cut(limits.maxDischargeW, 'discharge-power');
  if (w < -limits.maxChargeW) cut(-limits.maxChargeW, 'charge-power');
  if (w > 0 && input.socPercent <= limits.minSocPercent) cut(0, 'soc-min');
  if (w < 0 && input.socPercent >= limits.maxSocPercent) cut(0, 'soc-max');
  return { powerW: Math.round(w), limitedBy };
}
