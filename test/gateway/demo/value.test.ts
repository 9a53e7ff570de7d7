// The value arithmetic on hand-worked cases (value-example.ts).
import { describe, expect, it } from 'vitest';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';
import { demoProblems } from '../../../gateway/demo/summary-checks.js';
import { demoValue, savingShare, sumCosts } from '../../../gateway/demo/value.js';
import { fixtureDay, fixtureWithValue, tinyDays } from './value-example.js';

describe('the value of market and control', () => {
  it('prices the run without control alone and with the market, and the run with control with the market, over the intervals metered in both', () => {
    const { withoutControl, withControl } = tinyDays();
    const v = demoValue(withoutControl, withControl, ['an example problem']);
    if (!v.ok) throw new Error(v.error.detail);
    // alone 100 − 20, market 100 − 35, with control 48 − 47, control day alone 60 − 32; the gap left out.
    expect(v.value.buildings).toEqual([{ id: 'h', block: 'b', aloneMinor: 80, marketMinor: 65, marketControlMinor: 1, controlAloneMinor: 28, excludedIntervals: 1 }]);
    expect(v.value.district).toEqual({ aloneMinor: 80, marketMinor: 65, marketControlMinor: 1, controlAloneMinor: 28, excludedIntervals: 1 });
    expect(v.value.withoutControl).toEqual({ intervals: 3, finalIntervals: 0, problems: ['an example problem'] });
  });

  it('with no gaps the columns are the two runs\' own costs', () => {
    const day = fixtureDay();
    const v = demoValue(day, day);
    if (!v.ok) throw new Error(v.error.detail);
    expect(v.value.district).toEqual({ aloneMinor: -189, marketMinor: -212, marketControlMinor: -212, controlAloneMinor: -189, excludedIntervals: 0 });
    expect(v.value.buildings.map((b) => b.marketControlMinor)).toEqual(day.buildings.map((b) => b.costMinor));
  });

  it('reports the energy left in the batteries at the end of the day, each run, and unknown where one was not read', () => {
    const { withoutControl, withControl } = tinyDays();
    withoutControl.buildings[0]!.battery = { capacityWh: 10_000, socStartPercent: 50, socEndPercent: 40 };
    withControl.buildings[0]!.battery = { capacityWh: 10_000, socStartPercent: 50, socEndPercent: 25.5 };
    const v = demoValue(withoutControl, withControl);
    if (!v.ok) throw new Error(v.error.detail);
    expect(v.value.buildings[0]).toMatchObject({ storedEndWithoutControlWh: 4000, storedEndWithControlWh: 2550 });
    expect(v.value.district).toMatchObject({ storedEndWithoutControlWh: 4000, storedEndWithControlWh: 2550 });
    withControl.buildings[0]!.battery.socEndPercent = null;
    const u = demoValue(withoutControl, withControl);
    if (!u.ok) throw new Error(u.error.detail);
    expect(u.value.district).toMatchObject({ storedEndWithoutControlWh: 4000, storedEndWithControlWh: null });
  });

  it('states savings as a share of the base, positive when cheaper even where the base is an income', () => {
    expect(savingShare(160, 90)).toBeCloseTo(70 / 160, 12);
    expect(savingShare(160, -212)).toBeCloseTo(372 / 160, 12);
    // Earning 1.00 NOK alone and 1.50 NOK with the market saves half the base's size.
    expect(savingShare(-100, -150)).toBeCloseTo(0.5, 12);
    // Dearer than the base: a negative saving, not hidden.
    expect(savingShare(100, 120)).toBeCloseTo(-0.2, 12);
    expect(savingShare(0, 5)).toBeNull();
  });

  it('sums days column by column', () => {
    expect(sumCosts([
      { aloneMinor: 160, marketMinor: 90, marketControlMinor: -212, controlAloneMinor: -189 },
      { aloneMinor: 1000, marketMinor: 900, marketControlMinor: 800, controlAloneMinor: 1100 },
    ])).toEqual({ aloneMinor: 1160, marketMinor: 990, marketControlMinor: 588, controlAloneMinor: 911 });
  });

  it('refuses two runs that are not the same day of the same district', () => {
    const other = fixtureDay();
    other.district.date = '2026-04-20';
    const a = demoValue(other, fixtureDay());
    expect(a.ok ? 'compared' : a.error.detail).toMatch(/not the same day/);
    const fewer = fixtureDay();
    fewer.buildings = fewer.buildings.slice(1);
    const b = demoValue(fewer, fixtureDay());
    expect(b.ok ? 'compared' : b.error.detail).toMatch(/not the same buildings/);
    const shorter = fixtureDay();
    shorter.intervals = shorter.intervals.slice(1);
    const c = demoValue(shorter, fixtureDay());
    expect(c.ok ? 'compared' : c.error.detail).toMatch(/not the same intervals/);
  });

  it('a summary carrying the value parses, and one whose value does not add up or names other costs is refused with the path', () => {
    const withValue = JSON.parse(JSON.stringify(fixtureWithValue())) as Summary;
    const good = parseSummary(withValue);
    expect(good.ok ? 'ok' : good.error.detail).toBe('ok');

    const badSum = structuredClone(withValue);
    badSum.value!.district.aloneMinor += 1;
    const r1 = parseSummary(badSum);
    expect(r1.ok ? 'accepted' : r1.error.detail).toBe('value.district.aloneMinor: 161 is not the sum over buildings (160)');

    const badControl = structuredClone(withValue);
    badControl.value!.buildings[5]!.marketControlMinor = 27;
    badControl.value!.district.marketControlMinor += 1;
    const r2 = parseSummary(badControl);
    expect(r2.ok ? 'accepted' : r2.error.detail).toMatch(/^value\.buildings\[5\]\.marketControlMinor: 27 \/ 44 are not the building's costMinor \/ costAloneMinor \(26 \/ 44\)/);

    const reordered = structuredClone(withValue);
    reordered.value!.buildings.reverse();
    const r3 = parseSummary(reordered);
    expect(r3.ok ? 'accepted' : r3.error.detail).toMatch(/^value\.buildings: one entry per building/);
  });

  it('a day without control may cost more with the market than alone without that being a problem of the run', () => {
    const s = fixtureDay();
    s.district.costMinor = s.district.costAloneMinor + 5;
    expect(demoProblems(s).some((p) => /more than .* alone/.test(p))).toBe(true);
    expect(demoProblems(s, { marketNotDearer: false }).some((p) => /alone/.test(p))).toBe(false);
  });
});
