// The `payment` section (config version 2): automatic settlement payments over IOTA, off by
// default. The rate (IOTA nanos per minor unit) and any clearing account come from the roster.
import { z } from 'zod';

export const paymentConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** IOTA JSON-RPC node the payments go through. */
  nodeUrl: z.string().url('must be an http(s) URL of an IOTA JSON-RPC node').optional(),
  /** Settlement period; payments are made for each period once it has ended (default a day). */
  periodMs: z.number().int().positive().default(86_400_000),
  /** How long after a period's end a payment owed to this gateway may arrive before an alarm. */
  graceMs: z.number().int().nonnegative().default(3_600_000),
  /** Unset: a dry run on the node sets the gas budget. */
  gasBudget: z.number().int().positive().optional(),
  /** Wait before retrying a payment the node did not take. */
  retryMs: z.number().int().positive().default(60_000),
});

export type PaymentConfig = z.output<typeof paymentConfigSchema>;
