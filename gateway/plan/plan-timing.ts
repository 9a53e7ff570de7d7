// When the plan for a day happens, in the gateway's time zone: the forecast goes out at
// `publishAt` on the day before, forecasts are collected for `collectMs`, the coordinator then
// publishes its snapshot, and without a majority `finalityTimeoutMs` later the gateway plans
// alone. The plan starts at the next local midnight. Pure.
import { localMidnight } from '../../core/intervals.js';
import { zoneOffsetMs } from '../../core/time-zone.js';
import { publishMinuteOf, type PlanConfig } from './config.js';

export interface PlanDay {
  /** The local date (YYYY-MM-DD) of publication: the day before the plan. */
  publishDate: string;
  publishMs: number;
  /** End of forecast collection: the first coordinator's turn (plus the roster's clock skew). */
  collectEndMs: number;
  /** Without a certificate by then, the gateway plans alone. */
  deadlineMs: number;
  /** The plan's first interval: the local midnight after publication. */
  planStartMs: number;
}

export function localDate(atMs: number, timeZone: string): string {
  return new Date(atMs + zoneOffsetMs(timeZone, atMs)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The UTC instant of a local wall-clock minute of a date (two passes settle a DST change). */
export function localMinuteMs(date: string, minute: number, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  let guess = naive - zoneOffsetMs(timeZone, naive);
  guess = naive - zoneOffsetMs(timeZone, guess);
  return guess;
}

export function planDayOf(publishDate: string, config: PlanConfig, timeZone: string): PlanDay {
  const publishMs = localMinuteMs(publishDate, publishMinuteOf(config), timeZone);
  const collectEndMs = publishMs + config.collectMs;
  return { publishDate, publishMs, collectEndMs, deadlineMs: collectEndMs + config.finalityTimeoutMs, planStartMs: localMidnight(addDays(publishDate, 1), timeZone) };
}

/** The plan day whose deadline is still ahead of `nowMs` (today's publication, or tomorrow's once today's deadline passed). */
export function nextPlanDay(nowMs: number, config: PlanConfig, timeZone: string): PlanDay {
  const today = planDayOf(localDate(nowMs, timeZone), config, timeZone);
  return nowMs < today.deadlineMs ? today : planDayOf(addDays(today.publishDate, 1), config, timeZone);
}

/** The plan day whose plan starts at `planStartMs`. */
export function planDayStarting(planStartMs: number, config: PlanConfig, timeZone: string): PlanDay {
  return planDayOf(addDays(localDate(planStartMs, timeZone), -1), config, timeZone);
}

/** The plan day whose plan covers `atMs` (published the local day before). */
export function planDayCovering(atMs: number, config: PlanConfig, timeZone: string): PlanDay {
  return planDayOf(addDays(localDate(atMs, timeZone), -1), config, timeZone);
}
