import { describe, expect, it } from 'vitest';
import { planConfigSchema } from '../../../gateway/plan/config.js';
import { localMinuteMs, nextPlanDay, planDayCovering, planDayOf, planDayStarting } from '../../../gateway/plan/plan-timing.js';

const CONFIG = planConfigSchema.parse({ enabled: true, publishAt: '12:00', collectMs: 900_000, finalityTimeoutMs: 1_800_000 });
const OSLO = 'Europe/Oslo';

describe('day-ahead plan timing in the gateway time zone', () => {
  it('publishes at 12:00 local on the day before and plans from the next local midnight', () => {
    const day = planDayOf('2026-06-01', CONFIG, OSLO);
    expect(new Date(day.publishMs).toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(new Date(day.collectEndMs).toISOString()).toBe('2026-06-01T10:15:00.000Z');
    expect(new Date(day.deadlineMs).toISOString()).toBe('2026-06-01T10:45:00.000Z');
    expect(new Date(day.planStartMs).toISOString()).toBe('2026-06-01T22:00:00.000Z');
  });

  it('keeps 12:00 local across the DST changes (winter UTC+1, summer UTC+2)', () => {
    expect(new Date(planDayOf('2026-03-28', CONFIG, OSLO).publishMs).toISOString()).toBe('2026-03-28T11:00:00.000Z');
    // 29 March is the change: noon is already summer time, the next midnight too.
    expect(new Date(planDayOf('2026-03-29', CONFIG, OSLO).publishMs).toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(new Date(planDayOf('2026-10-24', CONFIG, OSLO).planStartMs).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(planDayOf('2026-10-25', CONFIG, OSLO).planStartMs).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(localMinuteMs('2026-10-25', 12 * 60, OSLO)).toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });

  it("moves on to tomorrow's publication once today's deadline has passed", () => {
    const before = nextPlanDay(Date.UTC(2026, 5, 1, 10, 44), CONFIG, OSLO);
    const after = nextPlanDay(Date.UTC(2026, 5, 1, 10, 45), CONFIG, OSLO);
    expect(before.publishDate).toBe('2026-06-01');
    expect(after.publishDate).toBe('2026-06-02');
  });

  it('finds the plan day that starts at, or covers, an instant', () => {
    const P = Date.UTC(2026, 5, 1, 22, 0);
    expect(planDayStarting(P, CONFIG, OSLO).publishDate).toBe('2026-06-01');
    expect(planDayCovering(P + 5 * 3_600_000, CONFIG, OSLO).planStartMs).toBe(P);
    expect(planDayCovering(P - 1, CONFIG, OSLO).planStartMs).toBe(P - 86_400_000);
  });
});
