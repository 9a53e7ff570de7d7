// A meter register: whole watt-hours that only ever count up, with the fraction of the next
// watt-hour carried in joules so nothing is lost to rounding over a year of small steps.

const J_PER_WH = 3600;

export class EnergyCounter {
  private wholeWh: number;
  private carryJ = 0;

  constructor(startWh = 0) {
    if (!(Number.isInteger(startWh) && startWh >= 0)) throw new Error('EnergyCounter: start must be a non-negative integer Wh');
    this.wholeWh = startWh;
  }

  /** Adds energy; negative or non-finite amounts are a programming error. */
  addJoules(energyJ: number): void {
    if (!(energyJ >= 0) || !Number.isFinite(energyJ)) throw new Error(`EnergyCounter: cannot add ${energyJ} J`);
    this.carryJ += energyJ;
    if (this.carryJ >= J_PER_WH) {
      const whole = Math.floor(this.carryJ / J_PER_WH);
      this.wholeWh += whole;
      this.carryJ -= whole * J_PER_WH;
    }
  }

  /** Adds a power held for a duration (W × ms). */
  addPower(powerW: number, durationMs: number): void {
    this.addJoules((powerW * durationMs) / 1000);
  }

  /** The register as a meter shows it: whole Wh. */
  get wh(): number {
    return this.wholeWh;
  }

  /** Whole Wh plus the carried fraction. */
  get exactWh(): number {
    return this.wholeWh + this.carryJ / J_PER_WH;
  }
}
