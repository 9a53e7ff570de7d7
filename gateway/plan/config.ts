// The gateway config's `plan` section (the lead adds it to the main schema beside `market`):
// when this gateway publishes its day-ahead forecast and how long it waits for the others.
// What every gateway must solve alike (charging rule, losses, backend) lives in the signed
// roster's `parameters.dayAhead`, not here; the broker, identity and meters are the market's.
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM such as 12:00');

export const planConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Local time (gateway.timeZone) on the day before at which the forecast is published. */
  publishAt: hhmm.default('12:00'),
  /** Intervals planned from the next local midnight (96 = a day of 15-minute intervals). */
  horizonIntervals: z.number().int().min(1).max(400).default(96),
  /** Forecasts are collected this long after publishAt; then the coordinator publishes the snapshot. Same on every gateway. */
  collectMs: z.number().int().min(10_000).max(6 * 3_600_000).default(900_000),
  /** Without a majority this long after the collection deadline the gateway plans alone (a later certificate still counts). */
  finalityTimeoutMs: z.number().int().min(10_000).max(6 * 3_600_000).default(1_800_000),
  /** Round-trip efficiency split evenly into charge and discharge when the battery's own figures are not given. */
  batteryChargeEfficiency: z.number().gt(0).max(1).default(0.95),
  batteryDischargeEfficiency: z.number().gt(0).max(1).default(0.95),
});

export type PlanConfig = z.output<typeof planConfigSchema>;
export type PlanConfigInput = z.input<typeof planConfigSchema>;

/** Minutes after local midnight of `publishAt`. */
export function publishMinuteOf(config: PlanConfig): number {
  const [h, m] = config.publishAt.split(':').map(Number);
  return h! * 60 + m!;
}
