// The extremes a building's limits are about, watched on every piece the physics integrates
// (cells of `stepMs`, split where a setpoint or a boundary falls): so a check of "no limit was
// ever exceeded" reads the simulator's truth at its own resolution, not what a gateway sampled.
// Cheap by design: a handful of comparisons per piece, no allocation.

export interface TrueExtremes {
  /** Largest battery power charging and discharging, W (0 when it never did). */
  maxBatteryChargeW: number;
  maxBatteryDischargeW: number;
  /** Lowest and highest state of charge reached, %; absent without a battery. */
  minSocPercent?: number;
  maxSocPercent?: number;
  /** Largest import from and export to the grid at the connection, W (0 when it never did). */
  maxGridImportW: number;
  maxGridExportW: number;
  /**
   * Largest jump of battery power from one piece to the next while the battery followed a
   * setpoint, W; a jump the battery made because a power limit or SoC bound cut it is left out
   * (safety lets the cut to zero at a bound override the ramp).
   */
  maxSteeredStepW: number;
  /** Time the battery could not deliver what it was asked (a power limit or a SoC bound cut it), ms. */
  batteryClippedMs: number;
  /** Time the battery ran on its own control ('auto': nobody steering it), ms. */
  batteryAutoMs: number;
}

export class LimitWatch {
  private x!: TrueExtremes;
  private lastBatteryW: number | undefined;

  constructor(private readonly hasBattery: boolean) {
    this.reset();
  }

  /** One integrated piece: powers held over `durationMs`, the SoC at its start and end. */
  observe(durationMs: number, batteryW: number, netW: number, socFrom: number, socTo: number, clipped: boolean, steered: boolean): void {
    const x = this.x;
    if (netW > x.maxGridImportW) x.maxGridImportW = netW;
    if (-netW > x.maxGridExportW) x.maxGridExportW = -netW;
    if (!this.hasBattery) return;
    if (batteryW > x.maxBatteryDischargeW) x.maxBatteryDischargeW = batteryW;
    if (-batteryW > x.maxBatteryChargeW) x.maxBatteryChargeW = -batteryW;
    // Constant power over the piece: the SoC is monotone in it, so its ends are its extremes.
    const lo = socFrom < socTo ? socFrom : socTo;
    const hi = socFrom < socTo ? socTo : socFrom;
    if (x.minSocPercent === undefined || lo < x.minSocPercent) x.minSocPercent = lo;
    if (x.maxSocPercent === undefined || hi > x.maxSocPercent) x.maxSocPercent = hi;
    if (clipped) x.batteryClippedMs += durationMs;
    if (!steered) x.batteryAutoMs += durationMs;
    if (steered && !clipped && this.lastBatteryW !== undefined) {
      const step = Math.abs(batteryW - this.lastBatteryW);
      if (step > x.maxSteeredStepW) x.maxSteeredStepW = step;
    }
    this.lastBatteryW = batteryW;
  }

  /** The extremes since the last take, and a fresh start (the battery's last power is kept for the next jump). */
  take(): TrueExtremes {
    const out = this.x;
    this.reset();
    return out;
  }

  private reset(): void {
    this.x = { maxBatteryChargeW: 0, maxBatteryDischargeW: 0, maxGridImportW: 0, maxGridExportW: 0, maxSteeredStepW: 0, batteryClippedMs: 0, batteryAutoMs: 0 };
  }
}
