// The normalised quantities a building needs, with their units. Every decoder maps what its
// device says onto these names, converting units (kW → W, kWh → Wh, dV → V) on the way.
//
// Sign conventions:
// - At a grid connection, `powerW` is net active power, positive when the building imports
//   from the grid and negative when it exports; `powerImportW` / `powerExportW` are the two
//   non-negative directions as meters report them separately.
// - `batteryPowerW` is positive when the battery discharges (supplies the building) and
//   negative when it charges (generator convention, as SunSpec storage reports it).
// - PV powers are non-negative.

export const QUANTITIES = {
  powerW: 'W',
  powerImportW: 'W',
  powerExportW: 'W',
  powerL1W: 'W',
  powerL2W: 'W',
  powerL3W: 'W',
  reactivePowerVar: 'var',
  reactivePowerImportVar: 'var',
  reactivePowerExportVar: 'var',
  reactivePowerL1Var: 'var',
  reactivePowerL2Var: 'var',
  reactivePowerL3Var: 'var',
  apparentPowerVA: 'VA',
  powerFactor: '',
  voltageL1V: 'V',
  voltageL2V: 'V',
  voltageL3V: 'V',
  currentL1A: 'A',
  currentL2A: 'A',
  currentL3A: 'A',
  currentNA: 'A',
  frequencyHz: 'Hz',
  energyImportWh: 'Wh',
  energyExportWh: 'Wh',
  reactiveEnergyImportVarh: 'varh',
  reactiveEnergyExportVarh: 'varh',
  socPercent: '%',
  batteryPowerW: 'W',
  batteryCapacityWh: 'Wh',
  pvDcPowerW: 'W',
  pvAcPowerW: 'W',
  pvEnergyWh: 'Wh',
  temperatureC: '°C',
  gasM3: 'm3',
  waterM3: 'm3',
  heatEnergyWh: 'Wh',
} as const;

export type Quantity = keyof typeof QUANTITIES;
export type QuantityValues = Partial<Record<Quantity, number>>;

export function unitOf(q: Quantity): string {
  return QUANTITIES[q];
}

export function isQuantity(name: string): name is Quantity {
  return Object.prototype.hasOwnProperty.call(QUANTITIES, name);
}

/** One reading of one device at one instant, in normalised quantities. */
export interface Reading {
  /** When the value was taken (the gateway's clock), epoch ms. */
  atMs: number;
  deviceId: string;
  values: QuantityValues;
  /** The meter's own clock, when the frame carries one (HAN, P1), epoch ms UTC. */
  meterTimeMs?: number;
  /** Identity the device reports about itself. */
  meterId?: string;
  model?: string;
}
