import { describe, expect, it } from 'vitest';
import { decodeP1Telegram, parseDsmrTimestamp, type P1Object, type P1Telegram } from '../../../protocols/dsmr/index.js';
import { DSMR_ENTRIES, entry, type Expected } from './dsmr-fixtures.js';

const ZONE = 'Europe/Amsterdam';

function decoded(text: string): P1Telegram {
  const r = decodeP1Telegram(text);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

function obj(t: P1Telegram, obis: string): P1Object | undefined {
  return t.objects.find((o) => o.obis === obis);
}

/** 'A-B:C.D.E/C.D.E/…' → full OBIS codes sharing the A-B prefix. */
function expandObis(obis: string): string[] {
  const [firstCode = '', ...rest] = obis.split('/');
  const prefix = firstCode.slice(0, firstCode.indexOf(':') + 1);
  return [firstCode, ...rest.map((r) => prefix + r)];
}

const KILO = new Set(['kW', 'kWh', 'kVAr', 'kVArh']);

/** The value the source asserts for one object, checked against what we kept raw. */
function checkObject(t: P1Telegram, obis: string, value: unknown, unit: string | null): void {
  const o = obj(t, obis);
  if (value === null) {
    // The source says "no value": the object is absent or empty.
    expect(o === undefined || o.values.every((v) => v.text === ''), obis).toBe(true);
    return;
  }
  expect(o, obis).toBeDefined();
  const last = o!.values[o!.values.length - 1]!;
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) {
    expect(parseDsmrTimestamp(o!.values[0]!.text, ZONE), obis).toBe(Date.parse(value));
  } else if (last.number !== undefined && Number.isFinite(Number(value))) {
    expect(last.number, obis).toBe(Number(value));
    if (unit !== null) expect(last.unit, obis).toBe(unit);
  } else {
    expect(last.text, obis).toBe(value);
  }
}

/** Our normalised model for objects that map onto quantities (kW → W, kWh → Wh). */
function checkQuantity(t: P1Telegram, obis: string, value: unknown, unit: string | null): void {
  if (value === null || !Number.isFinite(Number(value))) return;
  // kilo → base unit in decimal steps, so 2.027 kW is exactly 2027 W.
  const n = unit !== null && KILO.has(unit) ? Math.round(Number(value) * 1e6) / 1e3 : Number(value);
  const q: Record<string, () => number | undefined> = {
    '1-0:1.7.0': () => t.values.powerImportW,
    '1-0:2.7.0': () => t.values.powerExportW,
    '1-0:32.7.0': () => t.values.voltageL1V,
    '1-0:52.7.0': () => t.values.voltageL2V,
    '1-0:72.7.0': () => t.values.voltageL3V,
    '1-0:31.7.0': () => t.values.currentL1A,
    '1-0:51.7.0': () => t.values.currentL2A,
    '1-0:71.7.0': () => t.values.currentL3A,
    '1-0:1.8.0': () => t.values.energyImportWh,
    '1-0:2.8.0': () => t.values.energyExportWh,
    '1-0:1.8.1': () => t.energyByTariffWh.import['1'],
    '1-0:1.8.2': () => t.energyByTariffWh.import['2'],
    '1-0:2.8.1': () => t.energyByTariffWh.export['1'],
    '1-0:2.8.2': () => t.energyByTariffWh.export['2'],
  };
  const read = q[obis];
  if (read !== undefined) expect(read(), `${obis} normalised`).toBe(n);
  const m = /^0-(\d):24\.2\.\d$/.exec(obis);
  if (m) {
    const reading = t.mbus.find((r) => r.channel === Number(m[1]));
    expect(reading?.value, obis).toBe(n);
    const q2 = reading?.deviceType === 7 ? t.values.waterM3 : t.values.gasM3;
    expect(q2, `${obis} as m3`).toBe(n);
  }
}

const toW = (v: unknown): number | undefined => (v === null ? undefined : Math.round(Number(v) * 1e6) / 1e3);
const num = (v: unknown): number | undefined => (v === null ? undefined : Number(v));
const phase = (name: string): number => Number(/l(\d)$/.exec(name)?.[1]);

/**
 * Assertions named by the source without a full OBIS code (dsmr-reader, amsreader), mapped to
 * our model. Arrays of per-phase values come as 'x_l1/l2/l3' and are checked one by one.
 */
function checkNamed(t: P1Telegram, name: string, value: unknown): boolean {
  const tariffOr = (side: 'import' | 'export', tariff: string, total: number | undefined): number | undefined =>
    Object.keys(t.energyByTariffWh[side]).length > 0 ? t.energyByTariffWh[side][tariff] : tariff === '1' ? total : 0;
  const table: Record<string, () => void> = {
    timestamp: () => expect(t.meterTimeMs).toBe(Date.parse(value as string)),
    // dsmr-reader stores a single-register meter's 1.8.0 as "delivered_1"; our model keeps it as the total.
    electricity_delivered_1: () => expect(tariffOr('import', '1', t.values.energyImportWh)).toBe(toW(value)),
    electricity_delivered_2: () => expect(tariffOr('import', '2', 0)).toBe(toW(value)),
    electricity_returned_1: () => expect(tariffOr('export', '1', t.values.energyExportWh)).toBe(toW(value)),
    electricity_returned_2: () => expect(tariffOr('export', '2', 0)).toBe(toW(value)),
    electricity_currently_delivered: () => expect(t.values.powerImportW).toBe(toW(value)),
    electricity_currently_returned: () => expect(t.values.powerExportW).toBe(toW(value)),
    extra_device_timestamp: () => expect(t.gasTimeMs).toBe(value === null ? undefined : Date.parse(value as string)),
    extra_device_delivered: () => expect(t.values.gasM3).toBe(num(value)),
    dsmr_version: () => expect(t.version).toBe(value === null ? undefined : `${(value as string)[0]}.${(value as string)[1]}`),
    electricity_tariff: () => expect(t.activeTariff).toBe(num(value)),
    power_failure_count: () => expect(t.powerFailures.shortCount).toBe(value),
    long_power_failure_count: () => expect(t.powerFailures.longCount).toBe(value),
    active_import_power: () => expect(t.values.powerImportW).toBe(value),
    active_export_power: () => expect(t.values.powerExportW).toBe(value),
    active_import_counter: () => expect(t.values.energyImportWh).toBe(toW(value)),
    meter_id: () => expect(t.meterId ?? '').toBe(value),
  };
  if (table[name] !== undefined) {
    table[name]();
    return true;
  }
  const perPhase: Array<[RegExp, (p: number) => string]> = [
    [/^phase_currently_delivered_l\d$/, (p) => `1-0:${20 * p + 1}.7.0`],
    [/^phase_currently_returned_l\d$/, (p) => `1-0:${20 * p + 2}.7.0`],
    [/^phase_voltage_l\d$/, (p) => `1-0:${20 * p + 12}.7.0`],
    [/^phase_power_current_l\d$/, (p) => `1-0:${20 * p + 11}.7.0`],
    [/^voltage_sag_count_l\d$/, (p) => `1-0:${20 * p + 12}.32.0`],
    [/^voltage_swell_count_l\d$/, (p) => `1-0:${20 * p + 12}.36.0`],
    [/^voltage_l\d$/, (p) => `1-0:${20 * p + 12}.7.0`],
    [/^current_l\d$/, (p) => `1-0:${20 * p + 11}.7.0`],
  ];
  for (const [re, obis] of perPhase) {
    if (!re.test(name)) continue;
    const code = obis(phase(name));
    checkObject(t, code, value, null);
    const unit = /delivered|returned/.test(name) ? 'kW' : /voltage_l|phase_voltage/.test(name) ? 'V' : /current/.test(name) ? 'A' : null;
    checkQuantity(t, code, value, unit);
    return true;
  }
  return false;
}

/** Expands 'x_l1/l2/l3' with an array value into one assertion per phase. */
function splitPhases(x: Expected): Array<[string, unknown]> {
  const m = /^(.*_l)1\/l2\/l3$/.exec(x.name) ?? /^(.*_l)2\/l3$/.exec(x.name);
  if (!m || !Array.isArray(x.value)) return [[x.name, x.value]];
  const first = x.name.endsWith('l1/l2/l3') ? 1 : 2;
  return x.value.map((v, i) => [`${m[1]}${first + i}`, v]);
}

// Assertions that are about the source's own machinery rather than the telegram.
const NOT_OURS = new Set(['listType', 'meterType (amsreader enum)']);

describe('DSMR P1 conformance telegrams', () => {
  for (const e of DSMR_ENTRIES) {
    it(`decodes ${e.id} (${e.standard}) to the values its source asserts`, () => {
      const t = decoded(e.raw_text);
      expect(t.crc !== undefined).toBe(e.crc_check.crc_present);
      let checked = 0;
      for (const x of e.expected) {
        if (NOT_OURS.has(x.name)) continue;
        if (/^(checksum_|parse_error_|parse_ok|crc_valid)/.test(x.name)) continue; // covered below
        if (x.obis !== undefined && /^\d+-\d+:/.test(x.obis)) {
          const codes = expandObis(x.obis);
          const vals = codes.length > 1 ? (x.value as unknown[]) : [x.value];
          codes.forEach((code, i) => {
            checkObject(t, code, vals[i], x.unit);
            checkQuantity(t, code, vals[i], x.unit);
          });
          checked++;
          continue;
        }
        for (const [name, value] of splitPhases(x)) {
          expect(checkNamed(t, name, value), `assertion '${name}' has a mapping in this test`).toBe(true);
        }
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(e.expected.some((x) => x.name === 'parse_ok' || x.name.startsWith('crc_valid')) ? 0 : 1);
    });
  }

  it('sums tariffs 1 and 2 into the energy totals and keeps each tariff', () => {
    const t = decoded(entry('dsmr5-iskra-mt382-1000-dsmr_parser-v5').raw_text);
    expect(t.energyByTariffWh).toEqual({ import: { '1': 4426, '2': 2399 }, export: { '1': 2444, '2': 0 } });
    expect(t.values.energyImportWh).toBe(6825);
    expect(t.values.energyExportWh).toBe(2444);
    expect(t.values.powerW).toBe(244);
    expect(t.meterId).toBe('K8EG004046395507');
    expect(t.meterTimeMs).toBe(Date.parse('2017-01-02T18:20:02Z'));
  });

  it('rejects the v5 telegram with a line removed (checksum) and without its CRC line', () => {
    const text = entry('dsmr5-iskra-mt382-1000-dsmr_parser-v5').raw_text;
    const noLine = decodeP1Telegram(text.replace('1-0:1.8.1(000004.426*kWh)\r\n', ''));
    expect(noLine.ok ? 'ok' : noLine.error.kind).toBe('crc-mismatch');
    const noCrc = decodeP1Telegram(text.replace('!6EEE\r\n', ''));
    expect(noCrc.ok ? 'ok' : noCrc.error.kind).toBe('no-end');
    const bareBang = decodeP1Telegram(text.replace('!6EEE\r\n', '!\r\n'));
    expect(bareBang.ok ? 'ok' : bareBang.error.kind).toBe('crc-missing');
  });

  it('ignores an impossible gas capture time but keeps the reading', () => {
    const t = decoded(entry('dsmr5-iskra-mt382-1000-dsmr_parser-v5-invalid-gas-timestamp').raw_text);
    expect(t.mbus[0]).toMatchObject({ channel: 1, deviceType: 3, value: 0 });
    expect(t.mbus[0]?.capturedAtMs).toBeUndefined();
    expect(t.gasTimeMs).toBeUndefined();
    expect(t.values.gasM3).toBe(0);
  });

  it('reads the power failure log with its end times in UTC', () => {
    const t = decoded(entry('dsmr5-iskra-am550-go-iec62056').raw_text);
    expect(t.powerFailures).toEqual({
      shortCount: 9,
      longCount: 5,
      log: [
        { endText: '170609063239S', endMs: Date.parse('2017-06-09T04:32:39Z'), durationS: 267 },
        { endText: '170611001706S', endMs: Date.parse('2017-06-10T22:17:06Z'), durationS: 149657 },
      ],
    });
  });

  it('separates e-MUCS gas (24.2.3) and water (device type 7) sub-meters', () => {
    const t = decoded(entry('dsmr-emucs171-fluvius-meterlogger').raw_text);
    expect(t.version).toBe('e-mucs');
    expect(t.values.gasM3).toBe(112.384);
    expect(t.values.waterM3).toBe(872.234);
    expect(t.gasTimeMs).toBe(Date.parse('2020-05-12T11:45:58Z'));
    expect(obj(t, '0-0:98.1.0')?.values).toHaveLength(12) // (3)(1-0:1.6.0)(1-0:1.6.0) + 3 × (month start)(peak time)(peak);
  });

  it('reads the DSMR 2.2/3.0 gas reading from its continuation line, in local time without a flag', () => {
    const t = decoded(entry('dsmr3-iskra-mt382-1004-go-iec62056').raw_text);
    expect(t.version).toBe('2.2');
    expect(t.crc).toBeUndefined();
    expect(t.values.gasM3).toBe(1.001);
    // 161107190000 with no S/W flag: November, so CET (UTC+1).
    expect(t.gasTimeMs).toBe(Date.parse('2016-11-07T18:00:00Z'));
    expect(t.meterTimeMs).toBeUndefined();
    expect(t.values.powerImportW).toBe(1010);
  });

  it('decodes an LF-only copy with a CRC recomputed over the LF bytes to the same values', () => {
    const crlf = decoded(entry('dsmr-kamstrup-omnia-se-amsreader-gh578-1').raw_text);
    const body = entry('dsmr-kamstrup-omnia-se-amsreader-gh578-1').raw_text.replace(/\r\n/g, '\n');
    const upToBang = body.slice(0, body.indexOf('\n!') + 2);
    let crc = 0;
    for (const c of upToBang) {
      crc ^= c.charCodeAt(0);
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    const lf = decoded(`${upToBang}${crc.toString(16).toUpperCase().padStart(4, '0')}\n`);
    expect(lf.values).toEqual(crlf.values);
  });

  it('converts the meter clock with the zone the meter runs in', () => {
    const text = entry('dsmr-iskra-ie-mie5t-200-dsmr_parser').raw_text;
    const dublin = decodeP1Telegram(text, { timeZone: 'Europe/Dublin' });
    const amsterdam = decodeP1Telegram(text);
    // 230202132747S: summer flag, so IST (UTC+1) in Dublin and CEST (UTC+2) in Amsterdam.
    expect(dublin.ok && dublin.value.meterTimeMs).toBe(Date.parse('2023-02-02T12:27:47Z'));
    expect(amsterdam.ok && amsterdam.value.meterTimeMs).toBe(Date.parse('2023-02-02T11:27:47Z'));
  });

  it('rejects a value whose unit does not fit its quantity, and a non-number', () => {
    const base = entry('dsmr3-iskra-mt382-1004-go-iec62056').raw_text;
    const unit = decodeP1Telegram(base.replace('1-0:1.7.0(0001.01*kW)', '1-0:1.7.0(0001.01*kWh)'));
    expect(unit.ok ? 'ok' : unit.error.kind).toBe('bad-unit');
    const value = decodeP1Telegram(base.replace('1-0:1.7.0(0001.01*kW)', '1-0:1.7.0(0001.01kW)'));
    expect(value.ok ? 'ok' : value.error.kind).toBe('bad-value');
    const line = decodeP1Telegram(base.replace('1-0:1.7.0(0001.01*kW)', '1-0:1.7.0(0001.01*kW'));
    expect(line.ok ? 'ok' : line.error.kind).toBe('bad-line');
  });

  it('rejects empty input, a missing header and trailing data with their kinds', () => {
    const kind = (s: string): string => {
      const r = decodeP1Telegram(s);
      return r.ok ? 'ok' : r.error.kind;
    };
    const v5 = entry('dsmr5-iskra-mt382-1000-dsmr_parser-v5').raw_text;
    expect(kind('')).toBe('empty');
    expect(kind('\r\n\0')).toBe('empty');
    expect(kind(v5.slice(1))).toBe('no-header');
    expect(kind(`${v5}x`)).toBe('trailing-data');
    expect(kind(v5.replace('!6EEE', '!6EE'))).toBe('crc-malformed');
    expect(kind(v5.replace('!6EEE', '!6EEF'))).toBe('crc-mismatch');
    expect(kind('/ISk5\u20ac')).toBe('not-text');
    expect(decodeP1Telegram(v5, { maxBytes: 100 }).ok).toBe(false);
  });
});
