// From the raw objects of a P1 telegram to what a building needs: normalised quantities, the
// meter's identity and clock, M-Bus sub-meters (gas, water, heat), power failures and messages.
import type { QuantityValues } from '../../core/quantities.js';
import { isPowerOrEnergyKey, mapObisNumbers, type ObisProblem } from '../iec62056-21/obis-quantities.js';
import { isDecimal, parseDecimal } from '../iec62056-21/decimal.js';
import { hexToAscii, type P1Object, type P1Value } from './objects.js';
import { parseDsmrTimestamp } from './local-time.js';

/** '2.2' stands for 2.2 and 3.0 alike: neither has a version line or a CRC. */
export type P1Version = '2.2' | '4.0' | '4.2' | '5.0' | 'e-mucs' | `${number}.${number}`;

export interface P1MbusReading {
  /** M-Bus channel 1..4 (the B group of `0-B:24.2.1`). */
  channel: number;
  /** 3 gas, 4 heat, 7 water, … (EN 13757-3), from `0-B:24.1.0`. */
  deviceType?: number;
  equipmentId?: string;
  /** The OBIS object the reading came from: 24.2.1, 24.2.3 (e-MUCS gas) or 24.3.0 (DSMR 2.2/3.0). */
  obis: string;
  valueText: string;
  value?: number;
  unit?: string;
  /** When the sub-meter captured the value (its own timestamp), epoch ms UTC. */
  capturedAtMs?: number;
}

export interface P1PowerFailure {
  /** End of the failure as the meter printed it, and as epoch ms when it is a real date. */
  endText: string;
  endMs?: number;
  durationS: number;
}

export interface P1Interpretation {
  version?: P1Version;
  meterId?: string;
  meterTimeMs?: number;
  values: QuantityValues;
  energyByTariffWh: { import: Record<string, number>; export: Record<string, number> };
  activeTariff?: number;
  mbus: P1MbusReading[];
  gasTimeMs?: number;
  powerFailures: { shortCount?: number; longCount?: number; log: P1PowerFailure[] };
  textMessage?: string;
  textCode?: string;
}

const GAS = 3;
const HEAT = [4, 12];
const WATER = 7;

function first(objects: P1Object[], obis: string): P1Value | undefined {
  for (const o of objects) if (o.obis === obis) return o.values[0];
  return undefined;
}

function intOf(v: P1Value | undefined): number | undefined {
  return v?.number !== undefined && Number.isInteger(v.number) ? v.number : undefined;
}

function versionOf(objects: P1Object[], hasCrc: boolean): P1Version | undefined {
  if (objects.some((o) => o.obis === '0-0:96.1.4')) return 'e-mucs';
  const v = first(objects, '1-3:0.2.8')?.text;
  if (v !== undefined && /^\d\d$/.test(v)) return `${v[0]}.${v[1]}` as P1Version;
  return hasCrc ? undefined : '2.2';
}

function mbusReadings(objects: P1Object[], zone: string): P1MbusReading[] {
  const channels = new Map<number, P1MbusReading>();
  const meta = new Map<number, { deviceType?: number; equipmentId?: string }>();
  for (const o of objects) {
    // 0-B:C.D.E with B the M-Bus channel 1..9.
    const ch = o.obis.charCodeAt(2) - 0x30;
    if (!o.obis.startsWith('0-') || o.obis[3] !== ':' || ch < 1 || ch > 9) continue;
    const cde = o.obis.slice(4);
    const info = meta.get(ch) ?? {};
    meta.set(ch, info);
    if (cde === '24.1.0') info.deviceType = intOf(o.values[0]);
    else if ((cde === '96.1.0' || cde === '96.1.1') && o.values[0]?.text) info.equipmentId = hexToAscii(o.values[0].text);
    else if (/^24\.2\.\d+$/.test(cde) && !channels.has(ch)) {
      const reading = o.values[o.values.length - 1] as P1Value;
      const stamp = o.values.length >= 2 ? parseDsmrTimestamp((o.values[0] as P1Value).text, zone) : undefined;
      channels.set(ch, mbusEntry(ch, o.obis, reading, reading.unit, stamp));
    } else if (cde === '24.3.0' && o.values.length >= 7 && !channels.has(ch)) {
      // DSMR 2.2/3.0: (capture time)(status)(period)(count)(obis)(unit) then (value) on the next line.
      const reading = o.values[o.values.length - 1] as P1Value;
      const unit = (o.values[5] as P1Value).text;
      const stamp = parseDsmrTimestamp((o.values[0] as P1Value).text, zone);
      channels.set(ch, mbusEntry(ch, o.obis, reading, unit === '' ? undefined : unit, stamp));
    }
  }
  return [...channels.values()].map((r) => ({ ...r, ...meta.get(r.channel) })).sort((a, b) => a.channel - b.channel);
}

function mbusEntry(channel: number, obis: string, reading: P1Value, unit: string | undefined, capturedAtMs: number | undefined): P1MbusReading {
  const numberText = reading.unit !== undefined ? reading.text.slice(0, reading.text.lastIndexOf('*')) : reading.text;
  const value = parseDecimal(numberText);
  return {
    channel,
    obis,
    valueText: reading.text,
    ...(value !== undefined ? { value } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(capturedAtMs !== undefined ? { capturedAtMs } : {}),
  };
}

/** m3 readings and heat in Wh; a reading in a unit we do not know is left out of the values. */
function subMeterValues(readings: P1MbusReading[], values: QuantityValues): number | undefined {
  let gasTimeMs: number | undefined;
  // Readings with a unit first: an empty slot's bare number must not hide a real meter's m3.
  const ordered = [...readings.filter((r) => r.unit !== undefined), ...readings.filter((r) => r.unit === undefined)];
  for (const r of ordered) {
    if (r.value === undefined) continue;
    const unit = (r.unit ?? '').toLowerCase();
    const type = r.deviceType ?? (unit === 'm3' || unit === '' ? GAS : undefined);
    if ((type === GAS || type === WATER) && (unit === 'm3' || unit === '')) {
      const q = type === GAS ? 'gasM3' : 'waterM3';
      if (values[q] === undefined) {
        values[q] = r.value;
        if (type === GAS) gasTimeMs = r.capturedAtMs;
      }
    } else if (type !== undefined && HEAT.includes(type) && values.heatEnergyWh === undefined) {
      const factor = unit === 'gj' ? 1e9 / 3600 : unit === 'kwh' ? 1e3 : unit === 'mwh' ? 1e6 : unit === 'wh' ? 1 : undefined;
      if (factor !== undefined) values.heatEnergyWh = Math.round(r.value * factor * 1000) / 1000;
    }
  }
  return gasTimeMs;
}

function powerFailureLog(objects: P1Object[], zone: string): P1PowerFailure[] {
  const o = objects.find((x) => x.obis === '1-0:99.97.0');
  if (o === undefined) return [];
  // (count)(0-0:96.7.19)(end)(duration*s)… — pairs after the two header values.
  const log: P1PowerFailure[] = [];
  for (let i = 2; i + 1 < o.values.length; i += 2) {
    const end = o.values[i] as P1Value;
    const dur = o.values[i + 1] as P1Value;
    if (dur.number === undefined) continue;
    const endMs = parseDsmrTimestamp(end.text, zone);
    log.push({ endText: end.text, ...(endMs !== undefined ? { endMs } : {}), durationS: dur.number });
  }
  return log;
}

/** Interprets the objects; a mapped electrical value with a wrong unit or a non-number is a problem. */
export function interpretObjects(objects: P1Object[], hasCrc: boolean, zone: string): P1Interpretation | ObisProblem {
  const electric = [];
  for (const o of objects) {
    const v = o.values[o.values.length - 1];
    if (!o.obis.startsWith('1-0:') || v === undefined) continue;
    const star = v.unit !== undefined ? v.text.lastIndexOf('*') : -1;
    electric.push({ key: o.obis.slice(4), text: star >= 0 ? v.text.slice(0, star) : v.text, ...(v.unit !== undefined ? { unit: v.unit } : {}) });
  }
  // A meter may declare any unit of the right dimension (Wh or kWh, W or kW, varh or kvarh);
  // mapObisNumbers converts it and refuses one of the wrong dimension. Telegrams without a CRC
  // (DSMR 2.2/3.0, some Slovenian and Austrian meters) have only their syntax to protect them:
  // there a kilo unit needs its decimals and a base unit is a whole number, so a value that lost
  // its point or its 'k' is refused rather than read a thousand times off.
  for (const x of electric) {
    if (!isPowerOrEnergyKey(x.key)) continue;
    if (!isDecimal(x.text)) return { problem: 'value', key: x.key, value: x.text };
    if (x.unit === undefined || x.unit === '') return { problem: 'unit', key: x.key, value: x.text, unit: '' };
    if (hasCrc) continue;
    const kilo = /^[kKM]/.test(x.unit);
    if (kilo !== x.text.includes('.')) return kilo ? { problem: 'value', key: x.key, value: x.text } : { problem: 'unit', key: x.key, value: x.text, unit: x.unit };
  }
  const mapped = mapObisNumbers(electric);
  if ('problem' in mapped) return mapped;
  const values = mapped.values;
  const mbus = mbusReadings(objects, zone);
  // An empty M-Bus slot prints a bare (00000000); where a CRC protects the telegram it is read
  // as such, without a CRC a reading needs its decimals like every other value.
  const pointless = mbus.find((r) => r.valueText !== '' && (r.value === undefined || (!hasCrc && !r.valueText.includes('.'))));
  if (pointless !== undefined) return { problem: 'value', key: pointless.obis, value: pointless.valueText };
  const misfit = mbus.find((r) => (r.deviceType === undefined || r.deviceType === GAS || r.deviceType === WATER) && !/^(m3)?$/i.test(r.unit ?? ''));
  if (misfit !== undefined) return { problem: 'unit', key: misfit.obis, value: misfit.valueText, unit: misfit.unit ?? '' };
  const gasTimeMs = subMeterValues(mbus, values);
  const out: P1Interpretation = {
    values,
    energyByTariffWh: mapped.energyByTariffWh,
    mbus,
    powerFailures: { log: powerFailureLog(objects, zone) },
  };
  const version = versionOf(objects, hasCrc);
  if (version !== undefined) out.version = version;
  // Equipment id: 96.1.1 (NL, BE), 96.1.0 (DSMR 2.2, Nordic, Hungary), else the COSEM logical device name 42.0.0 (LU Smarty).
  const id = first(objects, '0-0:96.1.1')?.text || first(objects, '0-0:96.1.0')?.text || first(objects, '0-0:42.0.0')?.text;
  if (id) out.meterId = hexToAscii(id);
  const stamp = first(objects, '0-0:1.0.0');
  const meterTimeMs = stamp === undefined ? undefined : parseDsmrTimestamp(stamp.text, zone);
  if (meterTimeMs !== undefined) out.meterTimeMs = meterTimeMs;
  const tariff = intOf(first(objects, '0-0:96.14.0'));
  if (tariff !== undefined) out.activeTariff = tariff;
  if (gasTimeMs !== undefined) out.gasTimeMs = gasTimeMs;
  const shortCount = intOf(first(objects, '0-0:96.7.21'));
  const longCount = intOf(first(objects, '0-0:96.7.9'));
  if (shortCount !== undefined) out.powerFailures.shortCount = shortCount;
  if (longCount !== undefined) out.powerFailures.longCount = longCount;
  const text = first(objects, '0-0:96.13.0')?.text;
  if (text) out.textMessage = hexToAscii(text);
  const code = first(objects, '0-0:96.13.1')?.text;
  if (code) out.textCode = hexToAscii(code);
  return out;
}
