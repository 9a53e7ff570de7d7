// Recognising a device from its identification registers (for `nabo scan`): which reads to make,
// and which definitions the answers match. Pure: the caller does the reads.
import { decodeDeviceRegisters, type ReadBlock } from './device-decode.js';
import { rtuLine, type LineModel } from './line-time.js';
import { planSpans, spansFor, type PlannedRead } from './planner.js';
import type { DeviceDefinition } from './registers.js';

/** The reads that fetch a definition's signature registers; empty when it has no signature. */
export function signatureReads(def: DeviceDefinition, line: LineModel = rtuLine(9600)): PlannedRead[] {
  const names = (def.identification ?? []).map((c) => c.register);
  if (names.length === 0) return [];
  const plan = planSpans(spansFor(def, { registers: names }), def.limits, line);
  if (!plan.ok) throw new Error(`${def.id}: ${plan.error.detail}`);
  return plan.value.requests;
}

export type SignatureVerdict = 'match' | 'mismatch' | 'unknown';

/** 'unknown' when the definition has no signature or the answers do not cover it. */
export function matchSignature(def: DeviceDefinition, blocks: readonly ReadBlock[]): SignatureVerdict {
  const checks = def.identification ?? [];
  if (checks.length === 0) return 'unknown';
  const { raw } = decodeDeviceRegisters(def, blocks);
  let covered = true;
  for (const check of checks) {
    const value = raw[check.register];
    if (value === undefined) covered = false;
    else if (!check.anyOf.includes(value)) return 'mismatch';
  }
  return covered ? 'match' : 'unknown';
}

/** Definitions whose whole signature the answers match. */
export function recognise(defs: readonly DeviceDefinition[], blocks: readonly ReadBlock[]): DeviceDefinition[] {
  return defs.filter((d) => matchSignature(d, blocks) === 'match');
}
