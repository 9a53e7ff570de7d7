// Choices of the day-ahead model that are not data: market design and tariff terms.

export type MarketDesign = 'flexi-user' | 'pool-hub';

export interface CapacityTariff {
  /** Price per kW of the mean of the highest daily peaks, for the whole horizon. */
  pricePerKW: number;
  /** How many daily peaks the mean takes (3 in the Norwegian tariff); fewer if fewer days. */
  peaks?: number;
}

export interface ScheduleOptions {
  /** Trade between buildings (and across DSO lines); default true. */
  p2p?: boolean;
  /** Share of P2P energy lost on the way (Lüth: 0.076, so 92.4 % arrives); default 0.076. */
  lossShare?: number;
  /** 'flexi-user': private batteries; 'pool-hub': the blocks' shared batteries. Default 'flexi-user'. */
  design?: MarketDesign;
  /**
   * Where batteries may charge from; default true. `true`: anywhere, the grid included.
   * `false`: Lüth et al.'s rule, only from distributed generation, the building's own or bought
   * from a neighbour, never from the grid (a flow split per building). `'own-surplus-only'`:
   * stricter, only the building's own surplus max(0, generation − demand) in the step.
   * See docs/schedule.md.
   */
  gridCharging?: boolean | 'own-surplus-only';
  /** Surplus may be sold to the grid at the feed-in price; default true. */
  exportAllowed?: boolean;
  /** Adds pricePerKW × mean of the highest daily import peaks, per building. */
  capacityTariff?: CapacityTariff;
  /** Also solve each building alone to report savings; default true. */
  compareAlone?: boolean;
}

/** Where batteries may charge from: see ScheduleOptions.gridCharging. */
export type ChargingRule = 'grid' | 'distributed-generation' | 'own-surplus';

export interface ResolvedOptions {
  p2p: boolean;
  lossShare: number;
  design: MarketDesign;
  /** True when batteries may charge from the grid (chargingRule 'grid'). */
  gridCharging: boolean;
  chargingRule: ChargingRule;
  exportAllowed: boolean;
  capacityTariff: Required<CapacityTariff> | undefined;
  compareAlone: boolean;
}

export function resolveOptions(o: ScheduleOptions = {}): ResolvedOptions {
  const lossShare = o.lossShare ?? 0.076;
  if (!(lossShare >= 0 && lossShare < 1)) throw new Error(`ScheduleOptions.lossShare: ${lossShare} outside [0, 1)`);
  if (o.gridCharging !== undefined && typeof o.gridCharging !== 'boolean' && o.gridCharging !== 'own-surplus-only') {
    throw new Error(`ScheduleOptions.gridCharging: true, false or 'own-surplus-only', got ${String(o.gridCharging)}`);
  }
  const tariff = o.capacityTariff;
  if (tariff !== undefined) {
    if (!(tariff.pricePerKW >= 0)) throw new Error('ScheduleOptions.capacityTariff.pricePerKW: must be ≥ 0');
    if (tariff.peaks !== undefined && !(Number.isInteger(tariff.peaks) && tariff.peaks >= 1)) {
      throw new Error('ScheduleOptions.capacityTariff.peaks: must be a positive integer');
    }
  }
  return {
    p2p: o.p2p ?? true,
    lossShare,
    design: o.design ?? 'flexi-user',
    gridCharging: (o.gridCharging ?? true) === true,
    chargingRule: o.gridCharging === false ? 'distributed-generation' : o.gridCharging === 'own-surplus-only' ? 'own-surplus' : 'grid',
    exportAllowed: o.exportAllowed ?? true,
    capacityTariff: tariff === undefined ? undefined : { pricePerKW: tariff.pricePerKW, peaks: tariff.peaks ?? 3 },
    compareAlone: o.compareAlone ?? true,
  };
}
