// The value arithmetic on a hand-worked case (value-example.ts): the control day is the demo
// fixture, the no-control day the same day with costs typed by hand.
import { describe, expect, it } from 'vitest';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';
import { demoProblems } from '../../../gateway/demo/summary-checks.js';
import { demoValue, savingShare, sumCosts } from '../../../gateway/demo/value.js';
import { fixtureDay as fixture, noControlDay } from './value-example.js';

describe('the value of market and control', () => {
  it('takes alone and market from the no-control day and market with control from the control day, per building and summed', () => {
    const control = fixture();
    expect(control.buildings.map((b) => b.costMinor)).toEqual([-7, -3, -24, 0, 0, 26, 0, -104, -70, -30]); // Σ −212
    const v = demoValue(noControlDay(), control, ['an example problem']);
    if (!v.ok) throw new Error(v.error.detail);
    expect(v.value.district).toEqual({ aloneMinor: 160, marketMinor: 90, marketControlMinor: -212, controlAloneMinor: -189 });
    expect(v.value.buildings.find((b) => b.id === 'lade-3')).toEqual({ id: 'lade-3', block: 'lade', aloneMinor: 300, marketMinor: 250, marketControlMinor: 26, controlAloneMinor: 44 });
    expect(v.value.withoutControl).toEqual({ intervals: 4, finalIntervals: control.intervals.filter((i) => i.final).length, problems: ['an example problem'] });
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
    const other = noControlDay();
    other.district.date = '2026-04-20';
    const a = demoValue(other, fixture());
    expect(a.ok ? 'compared' : a.error.detail).toMatch(/not the same day/);
    const fewer = noControlDay();
    fewer.buildings = fewer.buildings.slice(1);
    const b = demoValue(fewer, fixture());
    expect(b.ok ? 'compared' : b.error.detail).toMatch(/not the same buildings/);
    const shorter = noControlDay();
    shorter.intervals = shorter.intervals.slice(1);
    const c = demoValue(shorter, fixture());
    expect(c.ok ? 'compared' : c.error.detail).toMatch(/not the same intervals/);
  });

  it('a summary carrying the value parses, and one whose value does not add up or names other costs is refused with the path', () => {
    const control = fixture();
    const v = demoValue(noControlDay(), control);
    if (!v.ok) throw new Error(v.error.detail);
    const withValue = JSON.parse(JSON.stringify({ ...control, value: v.value })) as Summary;
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
    expect(r2.ok ? 'accepted' : r2.error.detail).toBe("value.buildings[5].marketControlMinor: 27 is not the building's costMinor (26)");

    const reordered = structuredClone(withValue);
    reordered.value!.buildings.reverse();
    const r3 = parseSummary(reordered);
    expect(r3.ok ? 'accepted' : r3.error.detail).toMatch(/^value\.buildings: one entry per building/);
  });

  it('a day without control may cost more with the market than alone without that being a problem of the run', () => {
    const s = noControlDay();
    s.buildings[0]!.costMinor = s.buildings[0]!.costAloneMinor + 200;
    s.district.costMinor = s.district.costAloneMinor + 200 - 10;
    expect(demoProblems(s).some((p) => /more than .* alone/.test(p))).toBe(true);
    expect(demoProblems(s, { marketNotDearer: false }).some((p) => /alone/.test(p))).toBe(false);
  });
});
