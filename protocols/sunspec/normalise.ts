// Decoded SunSpec models → the normalised quantities of protocols/quantities.ts.
//
// Sign conventions:
// - Meters (201-204, and the float 211-214): SunSpec meter W is positive when real power is imported (delivered from
//   the grid to the site; TotWhImp grows) and negative when exported, so at a grid connection
//   `powerW = W` as is. Some vendors wire or configure their meter the other way round (the
//   SolarEdge export/import meter is a known case); `meterSign: 'export-positive'` flips it.
// - Storage 802: our `batteryPowerW` is positive when discharging. The 802 definition does not
//   state the sign of W, and devices differ, so when ChaSt says CHARGING or DISCHARGING the sign
//   follows it; otherwise W is taken as positive-discharging (generator convention).
// - Inverter W may dip below zero at night (standby draw); PV powers are clamped at 0.
// - PF: the models say percent, but devices send either percent (SF -1/-2) or a fraction
//   (SF -3/-4, e.g. Veris); a magnitude above 1 is percent, otherwise already a fraction.
import type { QuantityValues } from '../../core/quantities.js';
import { num, text, type DecodedModel, type PointValue } from './decode-model.js';

export interface SunSpecIdentity {
  manufacturer?: string;
  model?: string;
  options?: string;
  version?: string;
  serial?: string;
  deviceAddress?: number;
}

export interface NormaliseOptions {
  meterSign?: 'import-positive' | 'export-positive';
}

const INVERTERS = new Set([101, 102, 103, 111, 112, 113]);
const METERS = new Set([201, 202, 203, 204, 211, 212, 213, 214]);

export function identityOf(models: readonly DecodedModel[]): SunSpecIdentity {
  const common = models.find((m) => m.id === 1);
  const id: SunSpecIdentity = {};
  if (!common) return id;
  const set = <K extends keyof SunSpecIdentity>(k: K, v: SunSpecIdentity[K] | undefined): void => {
    if (v !== undefined) id[k] = v;
  };
  set('manufacturer', text(common.points, 'Mn'));
  set('model', text(common.points, 'Md'));
  set('options', text(common.points, 'Opt'));
  set('version', text(common.points, 'Vr'));
  set('serial', text(common.points, 'SN'));
  set('deviceAddress', num(common.points, 'DA'));
  return id;
}

/** Power factor as a signed fraction from a SunSpec PF value (see the header). */
export function pfFraction(value: number): number {
  return Math.abs(value) > 1 ? Number((value / 100).toPrecision(12)) : value;
}

export function toQuantities(models: readonly DecodedModel[], options: NormaliseOptions = {}): QuantityValues {
  const q: QuantityValues = {};
  const put = (name: keyof QuantityValues, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v)) q[name] = v;
  };
  // Inverters first so that a meter in the same chain wins for grid-side quantities.
  for (const m of models.filter((x) => INVERTERS.has(x.id))) {
    const p = m.points;
    const w = num(p, 'W');
    put('pvAcPowerW', w === undefined ? undefined : Math.max(0, w));
    put('pvEnergyWh', num(p, 'WH'));
    const dcw = num(p, 'DCW');
    put('pvDcPowerW', dcw === undefined ? undefined : Math.max(0, dcw));
    phases(p, put);
    put('frequencyHz', num(p, 'Hz'));
    put('temperatureC', num(p, 'TmpCab') ?? num(p, 'TmpSnk'));
  }
  const mppt = models.find((m) => m.id === 160);
  if (mppt) {
    const powers = mppt.groups.map((g) => num(g, 'DCW')).filter((v): v is number => v !== undefined);
    if (powers.length > 0) put('pvDcPowerW', Number(powers.reduce((a, b) => a + b, 0).toPrecision(15)));
  }
  for (const m of models.filter((x) => METERS.has(x.id))) {
    const p = m.points;
    const sign = options.meterSign === 'export-positive' ? -1 : 1;
    const signed = (v: number | undefined): number | undefined => (v === undefined ? undefined : v === 0 ? 0 : sign * v);
    put('powerW', signed(num(p, 'W')));
    put('powerL1W', signed(num(p, 'WphA')));
    put('powerL2W', signed(num(p, 'WphB')));
    put('powerL3W', signed(num(p, 'WphC')));
    put('reactivePowerVar', signed(num(p, 'VAR')));
    put('reactivePowerL1Var', signed(num(p, 'VARphA')));
    put('reactivePowerL2Var', signed(num(p, 'VARphB')));
    put('reactivePowerL3Var', signed(num(p, 'VARphC')));
    put('apparentPowerVA', num(p, 'VA'));
    const pf = num(p, 'PF');
    put('powerFactor', pf === undefined ? undefined : pfFraction(pf));
    phases(p, put);
    put('frequencyHz', num(p, 'Hz'));
    const imp = num(p, 'TotWhImp');
    const exp = num(p, 'TotWhExp');
    put('energyImportWh', sign === 1 ? imp : exp);
    put('energyExportWh', sign === 1 ? exp : imp);
  }
  const nameplate = models.find((m) => m.id === 120);
  put('batteryCapacityWh', num(nameplate?.points, 'WHRtg'));
  const storage = models.find((m) => m.id === 124);
  if (storage) put('socPercent', num(storage.points, 'ChaState'));
  const battery = models.find((m) => m.id === 802);
  if (battery) {
    const p = battery.points;
    put('socPercent', num(p, 'SoC'));
    put('batteryCapacityWh', num(p, 'WHRtg'));
    put('batteryPowerW', batteryPower(num(p, 'W'), p['ChaSt']?.value));
  }
  return q;
}

function batteryPower(w: number | undefined, chargeState: number | string | undefined): number | undefined {
  if (w === undefined) return undefined;
  if (chargeState === 3) return Math.abs(w); // DISCHARGING
  if (chargeState === 4) return -Math.abs(w); // CHARGING
  return w;
}

function phases(
  p: Readonly<Record<string, PointValue>>,
  put: (name: keyof QuantityValues, v: number | undefined) => void,
): void {
  put('voltageL1V', num(p, 'PhVphA'));
  put('voltageL2V', num(p, 'PhVphB'));
  put('voltageL3V', num(p, 'PhVphC'));
  put('currentL1A', num(p, 'AphA'));
  put('currentL2A', num(p, 'AphB'));
  put('currentL3A', num(p, 'AphC'));
}
