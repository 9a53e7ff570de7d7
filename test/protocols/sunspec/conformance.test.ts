// Every SunSpec dump of the shared conformance set decodes to the values its source asserts.
// SolarNetwork asserts some points as Java Integers (fractions truncated) and PF as a
// fraction (README, SOURCE QUIRKs): we assert the correct model value and check that the
// source's number is its truncation or fraction.
import { describe, expect, it } from 'vitest';
import { mapReader, pfFraction, readSunSpecDevice, type DecodedModel, type PointValue } from '../../../protocols/sunspec/index.js';
import { dumpMap, loadDumps, type DumpRecord } from './fixture-dumps.js';

const records = loadDumps();

const ALIASES: Record<string, string[]> = {
  'current total/A/B/C': ['A', 'AphA', 'AphB', 'AphC'],
  'voltage LN avg/A/B/C': ['PhV', 'PhVphA', 'PhVphB', 'PhVphC'],
  // Model 203 names its line-to-line voltages PhVphAB… (the official json; 201 says PPVphAB…).
  'voltage LL avg/AB/BC/CA': ['PPV', 'PhVphAB', 'PhVphBC', 'PhVphCA'],
  'active power total/A/B/C': ['W', 'WphA', 'WphB', 'WphC'],
  'apparent power total/A/B/C': ['VA', 'VAphA', 'VAphB', 'VAphC'],
  'reactive power total/A/B/C': ['VAR', 'VARphA', 'VARphB', 'VARphC'],
  'power factor total/A/B/C': ['PF', 'PFphA', 'PFphB', 'PFphC'],
  'active energy imported total/A/B': ['TotWhImp', 'TotWhImpPhA', 'TotWhImpPhB'],
  'voltage LL AB/BC/CA': ['PPVphAB', 'PPVphBC', 'PPVphCA'],
  'voltage LN A/B/C': ['PhVphA', 'PhVphB', 'PhVphC'],
  frequency: ['Hz'],
  current: ['A'],
  voltage: ['PhVphA'],
  'active power': ['W'],
  'apparent power': ['VA'],
  'reactive power': ['VAr'],
  'power factor': ['PF'],
  'active energy exported (WH)': ['WH'],
  'DC current': ['DCA'],
  'DC voltage': ['DCV'],
  'DC power': ['DCW'],
  'heat sink temperature': ['TmpSnk'],
  'operating state': ['St'],
  'vendor state': ['StVnd'],
};

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function decode(r: DumpRecord) {
  return readSunSpecDevice(mapReader(dumpMap(r)));
}

function model(models: DecodedModel[], id: number | undefined): DecodedModel {
  const m = models.find((x) => x.id === id);
  if (!m) throw new Error(`model ${id} not decoded`);
  return m;
}

/** Compares one decoded point with one asserted value. */
function expectPoint(point: PointValue | undefined, asserted: unknown, label: string, note = ''): void {
  if (asserted === null) {
    expect(point, `${label} is absent`).toBeUndefined();
    return;
  }
  expect(point, `${label} is present`).toBeDefined();
  const value = point?.value;
  if (typeof asserted === 'string' && typeof value === 'number') {
    // Enums: the source prints 'MPPT (4)', 'PV (4)' or its own symbol ('Discharging', 'LithiumIon').
    const m = /^(.*) \((\d+)\)$/.exec(asserted);
    if (m) {
      expect(value, label).toBe(Number(m[2]));
      expect(squash(point?.symbol ?? ''), label).toBe(squash(m[1] ?? ''));
    } else expect(squash(point?.symbol ?? ''), label).toMatch(new RegExp(`${squash(asserted)}$`));
    return;
  }
  if (typeof asserted === 'boolean') {
    expect(value, label).toBe(asserted ? 1 : 0);
    return;
  }
  if (typeof asserted === 'number' && typeof value === 'number') {
    if (/Integer/.test(note)) expect(Math.trunc(value), `${label} (source truncates)`).toBe(asserted);
    else expect(value, label).toBeCloseTo(asserted, 9);
    return;
  }
  expect(value, label).toEqual(asserted);
}

describe('SunSpec conformance dumps', () => {
  it.each(records.map((r) => [r.id, r] as const))('%s: discovery finds the chain the source lists', (_id, r) => {
    const dev = decode(r);
    const listed = r.models.filter((m) => m.id !== 0xffff);
    expect(dev.baseAddress).toBe(r.base_address);
    expect(dev.chain).toEqual(listed.map(({ id, address, length }) => ({ id, address, length })));
    expect(dev.complete).toBe(r.models.some((m) => m.id === 0xffff));
    expect(dev.models.map((m) => m.id)).toEqual(listed.map((m) => m.id));
  });

  it.each(records.map((r) => [r.id, r] as const))('%s: every asserted point decodes to its value', (_id, r) => {
    const dev = decode(r);
    let checked = 0;
    for (const e of r.expected) {
      const note = String((e as { note?: unknown }).note ?? '');
      if (e.name === 'parse_ok') {
        expect(dev.problems.filter((p) => p.kind !== 'unreadable')).toEqual([]);
        checked++;
        continue;
      }
      if (/base\/block address/.test(e.name)) {
        const m = model(dev.models, e.model);
        expect([(m.address ?? 0) - 40000, (m.address ?? 0) + 2 - 40000]).toEqual(e.value);
        checked++;
        continue;
      }
      if (/length$/.test(e.name)) {
        expect(model(dev.models, e.model).length).toBe(e.value);
        checked++;
        continue;
      }
      if (e.name === 'events') continue; // checked below with the official bit names
      // Dedicated tests below: group modules, vendor bits, dates, and event names (the source uses its own).
      if (e.name.startsWith('module') || ['EvtVnd (bit set)', 'WarrDt', 'Evt1'].includes(e.name)) continue;
      const m = model(dev.models, e.model);
      const names = ALIASES[e.name] ?? [e.name];
      const values = Array.isArray(e.value) && names.length > 1 ? e.value : [e.value];
      names.forEach((n, i) => {
        let point = m.points[n];
        let asserted = values[i];
        if (n.startsWith('PF') && typeof asserted === 'number' && point && typeof point.value === 'number') {
          // The source asserts a fraction; the model value is percent (or a fraction on Veris).
          point = { ...point, value: pfFraction(point.value) };
        }
        if (e.name === 'Evt' && Array.isArray(asserted) && asserted.length === 0) {
          expect(point?.flags ?? [], `${r.id} ${n}`).toEqual([]);
        } else if (Array.isArray(asserted) && point?.flags) {
          expect(point.flags).toEqual(asserted);
        } else expectPoint(point, asserted, `${r.id} model ${e.model} ${n}`, note);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('Veris E51C2 reports bit 3 of Evt, Under_Voltage', () => {
    const dev = decode(records.find((r) => r.id === 'sunspec-veris-e51c2-model203') as DumpRecord);
    expect(model(dev.models, 203).points['Evt']?.flags).toEqual(['Under_Voltage']);
  });

  it('SolarEdge DC power and Fronius IG+ DC power keep their fractions (SolarNetwork truncates)', () => {
    const dev = decode(records.find((r) => r.id === 'sunspec-fronius-igplus-v11.4-model101-120') as DumpRecord);
    expect(model(dev.models, 101).points['DCW']?.value).toBe(36.96);
    expect(dev.quantities.pvDcPowerW).toBe(36.96);
  });

  describe('Fronius Symo model 160', () => {
    const r = records.find((x) => x.id === 'sunspec-fronius-symo-3.0-3-s-model113-160') as DumpRecord;

    it('decodes both MPPT modules, the second one not implemented', () => {
      const mppt = model(decode(r).models, 160);
      expect(mppt.points['N']?.value).toBe(2);
      expect(mppt.points['TmsPer']).toBeUndefined();
      expect(mppt.groups).toHaveLength(2);
      const [m1, m2] = mppt.groups;
      expect(m1?.['ID']?.value).toBe(1);
      expect(m1?.['IDStr']?.value).toBe('String 1');
      expect(m1?.['DCA']?.value).toBe(0.15);
      expect(m1?.['DCV']?.value).toBe(439.7);
      expect(m1?.['DCW']?.value).toBe(65.95);
      expect(m1?.['DCWH']?.value).toBe(11937020);
      expect(m1?.['Tms']?.value).toBe(623608619);
      expect(m1?.['Tmp']).toBeUndefined();
      expect(m1?.['DCSt']?.symbol).toBe('MPPT');
      expect(m1?.['DCEvt']).toBeUndefined(); // 0xFFFFFFFF: no events reported
      expect(m2?.['ID']?.value).toBe(2);
      expect(m2?.['IDStr']?.value).toBe('Not supported');
      for (const p of ['DCA', 'DCV', 'DCW', 'DCWH', 'Tmp', 'DCSt']) expect(m2?.[p], p).toBeUndefined();
      // SolarNetwork prints module 2's Tms as 4294967295: that is uint32's 'not implemented'.
      expect(m2?.['Tms']).toBeUndefined();
    });

    it('sums module DC power into pvDcPowerW', () => {
      expect(decode(r).quantities.pvDcPowerW).toBe(65.95);
    });

    it('rescales module DC power when DCW_SF is patched to -1 (source: 659 as an Integer)', () => {
      const map = dumpMap(r);
      const mpptAddress = r.models.find((m) => m.id === 160)?.address ?? 0;
      map.set(mpptAddress + 2 + 2, 0xffff); // DCW_SF, the third register of the block
      const m1 = model(readSunSpecDevice(mapReader(map)).models, 160).groups[0];
      expect(m1?.['DCW']?.value).toBe(659.5);
      expect(Math.trunc(m1?.['DCW']?.value as number)).toBe(659);
      expect(m1?.['DCV']?.value).toBe(439.7);
    });

    it('reads float32 model 113 to seven significant digits', () => {
      const inv = model(decode(r).models, 113);
      expect(inv.points['PhVphA']?.value).toBe(247.4);
      expect(inv.points['AphA']?.value).toBe(0.2);
      expect(inv.points['DCW']?.value).toBe(61.035);
      expect(inv.points['TmpCab']).toBeUndefined();
      expect(inv.points['WH']?.value).toBe(11937020);
    });
  });

  describe('synthetic model 802 battery', () => {
    const r = records.find((x) => x.id === 'sunspec-synthetic-model802-battery') as DumpRecord;

    it('names the event bits by the official symbols and keeps vendor bits by number', () => {
      const bat = model(decode(r).models, 802);
      expect(bat.points['Evt1']?.flags).toEqual(['OVER_TEMP_WARNING', 'VOLTAGE_IMBALANCE_WARNING', 'RESERVED_1']);
      expect(bat.points['EvtVnd1']?.flags).toEqual(['bit0', 'bit2']);
      expect(bat.points['EvtVnd2']?.flags).toEqual(['bit0']); // the source's vendor bit 32
    });

    it('holds the warranty date as days since 2000-01-01 (source: 2027-05-19)', () => {
      const days = model(decode(r).models, 802).points['WarrDt']?.value as number;
      expect(new Date(Date.UTC(2000, 0, 1) + days * 86_400_000).toISOString().slice(0, 10)).toBe('2027-05-19');
    });

    it('normalises SoC, capacity and a discharging battery as positive power', () => {
      const q = decode(r).quantities;
      expect(q.socPercent).toBe(87.3);
      expect(q.batteryCapacityWh).toBe(13500);
      expect(q.batteryPowerW).toBe(2335); // W = -2335 while ChaSt = DISCHARGING
    });
  });

  it('normalises the Veris meter: net power, phases, imported energy, PF as a fraction', () => {
    const q = decode(records.find((x) => x.id === 'sunspec-veris-e51c2-model203') as DumpRecord).quantities;
    expect(q).toMatchObject({
      powerW: 6540,
      powerL1W: 3280,
      powerL2W: 3260,
      powerL3W: 0,
      voltageL1V: 123,
      currentL1A: 26.81,
      frequencyHz: 60.01,
      energyImportWh: 906630,
      powerFactor: 0.9925,
      reactivePowerVar: -790,
    });
    expect(q.energyExportWh).toBeUndefined(); // TotWhExp = 0: acc32 'not implemented'
  });

  it('gives the identity from model 1', () => {
    const dev = decode(records.find((x) => x.id === 'sunspec-solaredge-se33k-model103') as DumpRecord);
    expect(dev.identity).toEqual({ manufacturer: 'SolarEdge', model: 'SE33.3K', version: '0003.2251', serial: '7E1240CC', deviceAddress: 11 });
    expect(dev.quantities).toMatchObject({ pvAcPowerW: 24767, pvEnergyWh: 17534384, pvDcPowerW: 25144, frequencyHz: 59.99 });
  });
});
