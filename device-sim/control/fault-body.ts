// The JSON a client PUTs to switch faults, checked before it reaches a device: the same
// closed union as `DeviceFault` in devices/simulated-device.ts.
import { z } from 'zod';
import { zodProblems } from '../../core/problems.js';
import type { DeviceFault } from '../devices/simulated-device.js';

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('no-answer') }),
  z.strictObject({ kind: z.literal('late-answer'), delayMs: z.number().min(0).max(3_600_000) }),
  z.strictObject({ kind: z.literal('crc-error') }),
  z.strictObject({ kind: z.literal('exception'), code: z.number().int().min(1).max(255) }),
  z.strictObject({ kind: z.literal('drop-connection') }),
  z.strictObject({ kind: z.literal('frozen-values') }),
  z.strictObject({ kind: z.literal('counter-reset') }),
  z.strictObject({ kind: z.literal('ignore-commands') }),
  z.strictObject({ kind: z.literal('slow-ramp'), fraction: z.number().gt(0).max(1) }),
  z.strictObject({ kind: z.literal('stuck-relay'), pin: z.number().int().min(0).max(127).optional() }),
  z.strictObject({ kind: z.literal('garbage'), bytes: z.number().int().min(1).max(4096), everyMs: z.number().positive() }),
  z.strictObject({ kind: z.literal('clock-skew'), skewMs: z.number().finite() }),
]);

/** Either one fault or `{ "faults": [...] }` (the whole set the device should show). */
export const faultBodySchema = z.union([z.strictObject({ faults: z.array(faultSchema) }), faultSchema]);

export const FAULT_KINDS = ['no-answer', 'late-answer', 'crc-error', 'exception', 'drop-connection', 'frozen-values', 'counter-reset', 'garbage', 'clock-skew', 'ignore-commands', 'slow-ramp', 'stuck-relay'] as const;

export function parseFaultBody(raw: unknown): { ok: true; faults: DeviceFault[] } | { ok: false; problems: Array<{ path: string; message: string }> } {
  const parsed = faultBodySchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: zodProblems(parsed.error, '(body)') };
  }
  const v = parsed.data;
  return { ok: true, faults: ('faults' in v ? v.faults : [v]) as DeviceFault[] };
}
