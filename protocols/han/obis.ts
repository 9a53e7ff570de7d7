// OBIS codes (IEC 62056-6-1) A-B:C.D.E.F and the ones the Nordic HAN lists carry, mapped onto
// the normalised quantities. Lists identify values by C.D.E; A and B vary by vendor (Aidon
// 1-0, Kamstrup 1-1), so the map keys on C.D.E.
import type { Quantity } from '../../core/quantities.js';

export type Obis = readonly [number, number, number, number, number, number];

export function formatObis(o: ArrayLike<number>): string {
  return `${o[0]}-${o[1]}:${o[2]}.${o[3]}.${o[4]}.${o[5]}`;
}

export function parseObis(text: string): Obis | undefined {
  const m = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts as unknown as Obis;
}

export function cde(o: ArrayLike<number>): string {
  return `${o[2]}.${o[3]}.${o[4]}`;
}

/** DLMS unit enumeration (Blue Book, class 3 scaler_unit) for the units HAN meters use. */
export const DLMS_UNITS: Record<number, string> = {
  27: 'W', 28: 'VA', 29: 'var', 30: 'Wh', 31: 'VAh', 32: 'varh', 33: 'A', 35: 'V', 44: 'Hz', 255: '',
};
export const DLMS_UNIT_CODE: Record<string, number> = Object.fromEntries(Object.entries(DLMS_UNITS).map(([k, v]) => [v, Number(k)]));

export interface ObisQuantity {
  quantity: Quantity;
  /** The unit the quantity needs its value in; the frame's unit must agree. */
  unit: string;
}

/** Values the HAN lists report directly (C.D.E → quantity). */
export const OBIS_QUANTITIES: Record<string, ObisQuantity> = {
  '1.7.0': { quantity: 'powerImportW', unit: 'W' },
  '2.7.0': { quantity: 'powerExportW', unit: 'W' },
  '3.7.0': { quantity: 'reactivePowerImportVar', unit: 'var' },
  '4.7.0': { quantity: 'reactivePowerExportVar', unit: 'var' },
  '31.7.0': { quantity: 'currentL1A', unit: 'A' },
  '51.7.0': { quantity: 'currentL2A', unit: 'A' },
  '71.7.0': { quantity: 'currentL3A', unit: 'A' },
  '91.7.0': { quantity: 'currentNA', unit: 'A' },
  '32.7.0': { quantity: 'voltageL1V', unit: 'V' },
  '52.7.0': { quantity: 'voltageL2V', unit: 'V' },
  '72.7.0': { quantity: 'voltageL3V', unit: 'V' },
  '13.7.0': { quantity: 'powerFactor', unit: '' },
  '14.7.0': { quantity: 'frequencyHz', unit: 'Hz' },
  '1.8.0': { quantity: 'energyImportWh', unit: 'Wh' },
  '2.8.0': { quantity: 'energyExportWh', unit: 'Wh' },
  '3.8.0': { quantity: 'reactiveEnergyImportVarh', unit: 'varh' },
  '4.8.0': { quantity: 'reactiveEnergyExportVarh', unit: 'varh' },
};

/**
 * Units of the codes lists carry beyond the mapped quantities (per-phase powers, tariff
 * registers, power factors), so a value sent without scaler_unit still gets its unit when the
 * list's table gives its scaler. Keyed by C.D.E.
 */
export const OBIS_IMPLIED_UNITS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(OBIS_QUANTITIES).map(([k, v]) => [k, v.unit])),
  '21.7.0': 'W', '22.7.0': 'W', '41.7.0': 'W', '42.7.0': 'W', '61.7.0': 'W', '62.7.0': 'W',
  '23.7.0': 'var', '24.7.0': 'var', '43.7.0': 'var', '44.7.0': 'var', '63.7.0': 'var', '64.7.0': 'var',
  '9.7.0': 'VA', '10.7.0': 'VA',
  '33.7.0': '', '53.7.0': '', '73.7.0': '',
  '1.8.1': 'Wh', '1.8.2': 'Wh', '2.8.1': 'Wh', '2.8.2': 'Wh',
  '21.8.0': 'Wh', '22.8.0': 'Wh', '41.8.0': 'Wh', '42.8.0': 'Wh', '61.8.0': 'Wh', '62.8.0': 'Wh',
  '5.8.0': 'varh', '6.8.0': 'varh', '7.8.0': 'varh', '8.8.0': 'varh',
};

/** Net quantities derived as import − export (positive = import, quantities.ts convention). */
export const NET_PAIRS: ReadonlyArray<{ quantity: Quantity; importCde: string; exportCde: string }> = [
  { quantity: 'powerW', importCde: '1.7.0', exportCde: '2.7.0' },
  { quantity: 'reactivePowerVar', importCde: '3.7.0', exportCde: '4.7.0' },
  { quantity: 'powerL1W', importCde: '21.7.0', exportCde: '22.7.0' },
  { quantity: 'powerL2W', importCde: '41.7.0', exportCde: '42.7.0' },
  { quantity: 'powerL3W', importCde: '61.7.0', exportCde: '62.7.0' },
  { quantity: 'reactivePowerL1Var', importCde: '23.7.0', exportCde: '24.7.0' },
  { quantity: 'reactivePowerL2Var', importCde: '43.7.0', exportCde: '44.7.0' },
  { quantity: 'reactivePowerL3Var', importCde: '63.7.0', exportCde: '64.7.0' },
];

/** Identification items: list version, meter id, meter type, clock (by C.D.E). */
export const OBIS_ROLES: Record<string, 'listVersion' | 'meterId' | 'model' | 'clock'> = {
  '0.2.129': 'listVersion', // Aidon 1-1:0.2.129.255
  '96.1.0': 'meterId', // Aidon 0-0:96.1.0.255
  '96.1.7': 'model', // Aidon 0-0:96.1.7.255
  '0.0.5': 'meterId', // Kamstrup 1-1:0.0.5.255
  '96.1.1': 'model', // Kamstrup 1-1:96.1.1.255
  '1.0.0': 'clock', // 0-0:1.0.0.255 / 0-1:1.0.0.255
};
