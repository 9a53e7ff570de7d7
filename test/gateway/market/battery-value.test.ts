import { describe, expect, it } from 'vitest';
import { batteryOutlook, selfConsumptionStep } from '../../../gateway/market/battery-value.js';

const B = { capacityWh: 10_000, socPercent: 50, minSocPercent: 10, maxSocPercent: 90, maxChargeW: 2000, maxDischargeW: 2000 };
const Q = 900_000;

describe('battery value', () => {
  it('serves the building first: stores a surplus and covers a shortfall within power, room and efficiency', () => {
    expect(selfConsumptionStep(B, 5000, -300, Q)).toEqual({ netWh: 0, batteryAcWh: 300, storedWh: 5285, spilled: false, imported: false });
    // Power-limited (500 Wh an interval): the rest goes to the grid, but the battery is not full.
    expect(selfConsumptionStep(B, 5000, -800, Q)).toMatchObject({ netWh: -300, batteryAcWh: 500, spilled: false });
    // Room-limited: 95 stored Wh of room takes 100 AC Wh; the rest spills.
    const full = selfConsumptionStep(B, 8905, -800, Q);
    expect(full.netWh).toBeCloseTo(-700, 6);
    expect(full.storedWh).toBeCloseTo(9000, 6);
    expect(full.spilled).toBe(true);
    // Empty: 100 stored Wh above the bottom give 95 AC Wh; the rest is imported.
    const empty = selfConsumptionStep(B, 1100, 400, Q);
    expect(empty.netWh).toBeCloseTo(305, 6);
    expect(empty.imported).toBe(true);
  });

  it('names the bound reached first and how much may go out or come in before it', () => {
    const full = batteryOutlook(B, 5000, Array(20).fill(-1000), Q);
    expect(full.first).toBe('full');
    expect(full.spareStoredWh).toBeCloseTo(4000, 6);
    // A short sunny spell: only what it spills can be given away.
    const brief = batteryOutlook(B, 8500, [-1000, -1000, 500], Q);
    expect(brief.first).toBe('full');
    // 8500 → 8975 stored, then 25 more and 900 AC Wh spilled (855 stored); no lower than 7500 above the bottom: 855.
    expect(brief.spareStoredWh).toBeCloseTo(((1000 - 25 / 0.95) * 0.95), 6);
    const empty = batteryOutlook(B, 5000, Array(20).fill(1000), Q);
    expect(empty.first).toBe('empty');
    expect(empty.wantedStoredWh).toBeCloseTo(4000, 6);
    expect(batteryOutlook(B, 5000, [100, -100], Q)).toEqual({ first: 'none', spareStoredWh: 0, wantedStoredWh: 0 });
  });
});
