// Every HAN capture of the shared conformance set decodes to what its source asserts, in our
// normalised units. Where the source is wrong (SOURCE QUIRK) the test asserts the correct value
// from the frame and says why.
import { describe, expect, it } from 'vitest';
import { decodeHanFrame, decodeHanInformation, createHanSplitter, parseHdlcFrame, type HanFrame } from '../../../protocols/han/index.js';
import type { Quantity } from '../../../core/quantities.js';
import { HAN_FIXTURES, bytesOf, type Expected, type HanFixture } from './han-fixtures.js';

const QUANTITY_BY_CDE: Record<string, Quantity> = {
  '1.7.0': 'powerImportW', '2.7.0': 'powerExportW', '3.7.0': 'reactivePowerImportVar', '4.7.0': 'reactivePowerExportVar',
  '31.7.0': 'currentL1A', '51.7.0': 'currentL2A', '71.7.0': 'currentL3A',
  '32.7.0': 'voltageL1V', '52.7.0': 'voltageL2V', '72.7.0': 'voltageL3V',
  '1.8.0': 'energyImportWh', '2.8.0': 'energyExportWh', '3.8.0': 'reactiveEnergyImportVarh', '4.8.0': 'reactiveEnergyExportVarh',
};
const TO_BASE: Record<string, number> = { W: 1, var: 1, V: 1, A: 1, Wh: 1, varh: 1, kW: 1000, kVAr: 1000, kWh: 1000, kvarh: 1000, 'W (as printed)': 1 };
// amshan's own bookkeeping (number of keys in its result dict), not a property of the frame.
const NOT_FRAME_PROPERTIES = new Set(['decoded_key_count']);
const FRAMING_NAMES = new Set(['frame_count', 'is_good_ffc', 'is_expected_length', 'information']);

const cdeOf = (obis: string): string => {
  const p = obis.split('.');
  return p.length === 6 ? p.slice(2, 5).join('.') : obis;
};
const isQuirk = (e: Expected): boolean => (e.note ?? '').includes('SOURCE QUIRK');
const isRaw = (e: Expected): boolean => e.unit === null || (e.unit ?? '').includes('(raw');
const clockText = (v: string): string => v.replace(/ \([a-zæøå]+\)/i, '').replace(' ', 'T');

function decode(f: HanFixture): HanFrame {
  const bytes = bytesOf(f);
  const r = bytes[0] === 0x7e ? decodeHanFrame(bytes) : decodeHanInformation(bytes);
  if (!r.ok) throw new Error(`${f.id}: ${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

function derivedText(f: HanFixture, index: number): string | undefined {
  return f.derived_decode?.items.find((i) => i.index === index)?.text;
}

/** Tolerances the source itself states (amsreader: 0.02 for V/A, 0.01 kWh for counters). */
function tolerance(f: HanFixture, unit: string): number {
  if (!(f.notes ?? []).some((n) => n.includes('tolerance'))) return 1e-9;
  return unit === 'kWh' ? 10 : 0.02;
}

function checkQuantity(f: HanFixture, frame: HanFrame, e: Expected): void {
  const cde = cdeOf(e.obis as string);
  const q = QUANTITY_BY_CDE[cde];
  if (!q) throw new Error(`${f.id}: no quantity for ${e.obis}`);
  if (String(e.unit).startsWith('kWh (as printed)')) {
    // SOURCE QUIRK (amsreader Kaifa sample readme): registers printed as '403 233' "kWh" are the
    // raw Wh/varh counts (403 233 Wh = 403.233 kWh); compare the digits with the raw register.
    const digits = Number(String(e.value).replace(/\s/g, ''));
    const item = frame.items.find((i) => i.obis !== undefined && cdeOf(i.obis.replace(/[-:]/g, '.')) === cde);
    expect(item?.raw).toBe(digits);
    expect(frame.values[q]).toBe(digits);
    return;
  }
  if (e.value === 0 && (e.note ?? '').includes('carries no 1.8.0')) {
    expect(frame.values[q]).toBeUndefined();
    return;
  }
  if (isRaw(e)) {
    // Sources asserting the raw integer (elwiz, the Kaifa sample readme): compare with the raw item.
    const item = frame.items.find((i) => i.obis !== undefined && cdeOf(i.obis.replace(/[-:]/g, '.')) === cde);
    expect(item?.raw, `${f.id} ${e.name}`).toBe(e.value);
    return;
  }
  const factor = TO_BASE[e.unit as string];
  if (typeof e.value !== 'number') throw new Error(`${f.id}: ${e.name} is not a number`);
  if (factor === undefined) throw new Error(`${f.id}: unit ${e.unit}`);
  expect(Math.abs((frame.values[q] as number) - e.value * factor), `${f.id} ${e.name}`).toBeLessThanOrEqual(tolerance(f, e.unit as string) * factor);
}

function checkExpected(f: HanFixture, frame: HanFrame, e: Expected): void {
  const v = e.value;
  switch (e.name) {
    case 'listType':
      // amsreader numbers its lists differently: 0 = Kaifa's one-item list, 4 = the Swedish
      // 27-item list (which carries energy registers, so list 3 by content here).
      expect(frame.list).toBe(({ 0: 1, 2: 2, 3: 3, 4: 3 } as Record<number, number>)[v as number]);
      return;
    case 'type':
      expect(`list${frame.list}`).toBe(v);
      return;
    case 'meterType (amsreader enum)':
      if (v === 255) expect(frame.listVersion).toBeUndefined(); // no identification in the list
      else expect(frame.layout).toBe({ 1: 'aidon', 2: 'kaifa', 3: 'kamstrup' }[v as number]);
      return;
    case 'decoded':
      expect(v).toBe(1);
      return;
    case 'meter_id':
    case 'meterId':
      if (v === '') expect(frame.meterId).toBeUndefined();
      else if (isQuirk(e)) expect(frame.meterId).toBe(derivedText(f, 1)); // elwiz truncates the last digit
      else expect(frame.meterId).toBe(v);
      return;
    case 'meter_type':
    case 'meterType':
      if (isQuirk(e)) expect(frame.model).toBe(derivedText(f, 2)); // elwiz truncates 'MA304H3E'
      else expect(frame.model).toBe(v);
      return;
    case 'meterVersion':
    case 'list_ver_id':
    case 'list_version':
    case 'obis_list_version':
      if (isQuirk(e)) expect(frame.listVersion).toBe(derivedText(f, 0)); // elwiz: 'KFM_00' for 'KFM_001'
      else expect(frame.listVersion).toBe(v);
      return;
    case 'meter_manufacturer':
      expect(frame.manufacturer).toBe(v);
      return;
    case 'date':
    case 'date_time':
    case 'meter_datetime':
    case 'meter_clock':
      // elwiz Kaifa list 3 asserts month 11 for a frame whose month byte is 0x0A.
      if (isQuirk(e)) expect(frame.meterClock).toBe(f.derived_decode?.items.find((i) => i.datetime)?.datetime?.local);
      else expect(frame.meterClock).toBe(clockText(v as string));
      return;
    case 'weekDay': {
      // SOURCE QUIRK: elwiz asserts weekdays off by one; the date the frame carries fixes the day.
      expect(isQuirk(e)).toBe(true);
      const day = new Date(`${frame.meterClock as string}Z`).getUTCDay();
      const sent = f.derived_decode?.items.find((i) => i.datetime)?.datetime?.weekday;
      expect(day === 0 ? 7 : day).toBe(sent);
      return;
    }
    case 'meter_timestamp_utc':
      expect(new Date(frame.meterTimeMs as number).toISOString().replace('.000Z', 'Z')).toBe(v);
      return;
    case 'long_invoke_id':
      // amshan reads the top 24 bits of long-invoke-id-and-priority as the id; we keep the
      // whole 32-bit field (0x40000000: service class bit set, invoke id 0).
      expect(frame.invokeId >>> 8).toBe(v);
      return;
    case 'frame_bytes':
      expect(bytesOf(f).length).toBe(v);
      return;
    case 'frame_size_field': {
      const h = parseHdlcFrame(bytesOf(f));
      expect(h.ok && h.value.length).toBe(v);
      return;
    }
    case 'active_import_power':
      if (isQuirk(e)) {
        // SOURCE QUIRK: amsreader's golden row has 0 W for Kaifa list 1; the frame carries a value.
        expect(frame.values.powerImportW).toBe(f.derived_decode?.items[0]?.value);
        expect(frame.values.powerImportW).not.toBe(0);
        return;
      }
      checkQuantity(f, frame, { ...e, obis: e.obis ?? '1.7.0' });
      return;
    default:
      if (e.obis) {
        checkQuantity(f, frame, e);
        return;
      }
      throw new Error(`${f.id}: no check for expected '${e.name}'`);
  }
}

const LIST_FIXTURES = HAN_FIXTURES.filter((f) => f.derived_decode !== undefined);

describe('HAN conformance captures', () => {
  it('covers Aidon, Kaifa, Kamstrup and the Swedish list', () => {
    expect(new Set(LIST_FIXTURES.map((f) => f.manufacturer))).toEqual(new Set(['Aidon', 'Kaifa', 'Kamstrup']));
    expect(LIST_FIXTURES.length).toBeGreaterThanOrEqual(28);
  });

  for (const f of LIST_FIXTURES) {
    it(`${f.id} decodes to the values its source asserts`, () => {
      const frame = decode(f);
      let checked = 0;
      for (const e of f.expected) {
        if (NOT_FRAME_PROPERTIES.has(e.name) || FRAMING_NAMES.has(e.name)) continue;
        checkExpected(f, frame, e);
        checked++;
      }
      expect(checked + f.expected.filter((e) => FRAMING_NAMES.has(e.name)).length).toBeGreaterThan(0);
    });

    it(`${f.id} gives every item as the frame carries it`, () => {
      const frame = decode(f);
      const items = f.derived_decode?.items ?? [];
      expect(frame.items).toHaveLength(items.length);
      for (const d of items) {
        const mine = frame.items[d.index];
        if (d.obis?.includes(':')) expect(mine?.obis).toBe(d.obis);
        if (d.raw !== undefined) {
          expect(mine?.raw).toBe(d.raw);
          expect(mine?.scaler).toBe(d.scaler);
          expect(mine?.unit).toBe(d.unit);
          expect(mine?.value).toBeCloseTo(d.value as number, 9);
        }
        if (d.text !== undefined) expect(mine?.raw).toBe(d.text);
        if (d.datetime) expect(mine?.raw).toBe(d.datetime.local);
      }
      const headerClock = f.derived_decode?.apdu_datetime?.local;
      if (headerClock) expect(frame.meterClock).toBe(headerClock);
      expect(frame.invokeId).toBe(parseInt(f.derived_decode?.long_invoke_id_and_priority ?? '', 16));
    });
  }
});

describe('HAN framing captures (amshan test_hdlc)', () => {
  const framing = HAN_FIXTURES.filter((f) => f.expected.some((e) => e.name === 'frame_count'));
  for (const f of framing) {
    it(`${f.id} yields the frame and information field amshan asserts`, () => {
      const stuffed = f.expected.some((e) => (e.note ?? '').includes('byte-stuffing enabled'));
      const splitter = createHanSplitter({ byteStuffing: stuffed });
      const frames = [...splitter.push(bytesOf(f)), ...splitter.flush()];
      expect(frames).toHaveLength(f.expected.find((e) => e.name === 'frame_count')?.value as number);
      const h = parseHdlcFrame(frames[0] as Uint8Array);
      expect(h.ok).toBe(true);
      const info = f.expected.find((e) => e.name === 'information')?.value;
      if (h.ok) expect(Buffer.from(h.value.information).toString('hex').toUpperCase()).toBe(info ?? '');
    });
  }

  it('the stuffed capture is not a frame for a reader without stuffing, as on a real HAN port', () => {
    const f = HAN_FIXTURES.find((x) => x.id === 'han-framing-amshan-stuffed-short-info') as HanFixture;
    expect(parseHdlcFrame(bytesOf(f)).ok).toBe(false);
    expect(parseHdlcFrame(bytesOf(f), { byteStuffing: true }).ok).toBe(true);
  });

  it('a frame ending in 7D 7E (abort) yields no frame with stuffing on', () => {
    const aborted = Buffer.from('7EA00C0102011027A002017D7E', 'hex');
    const s = createHanSplitter({ byteStuffing: true });
    expect([...s.push(aborted), ...s.flush()]).toHaveLength(0);
  });

  it('the too-short frame 7E A008 0102011037 7E yields no frame', () => {
    const s = createHanSplitter();
    expect([...s.push(Buffer.from('7EA00801020110377E', 'hex')), ...s.flush()]).toHaveLength(0);
  });
});
