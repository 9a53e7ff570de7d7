// Recognising a device from its identification registers (for `nabo scan`): which reads to make,
// and which definitions the answers match. Pure: the caller does the reads.
import { decodeDeviceRegisters, type ReadBlock } from './device-decode.js';
import { rtuLine, type LineModel } from './line-time.js';
import { planSpans, spansFor, type PlannedRead } from './planner.js';
import type { DeviceDefinition } from './registers.js';

/**
 * The reads that fetch a definition's signature: planned reads of its signature registers, then
 * each probe as a one-word read of its own. Empty when the definition has no signature.
 */
export function signatureReads(def: DeviceDefinition, line: LineModel = rtuLine(9600)): PlannedRead[] {
  const checks = def.identification ?? [];
  const names = checks.flatMap((c) => (c.register !== undefined ? [c.register] : []));
  const reads: PlannedRead[] = [];
  if (names.length > 0) {
    const plan = planSpans(spansFor(def, { registers: names }), def.limits, line);
    if (!plan.ok) throw new Error(`${def.id}: ${plan.error.detail}`);
    reads.push(...plan.value.requests);
  }
  for (const c of checks) {
    if (c.probe) reads.push({ functionCode: c.probe.functionCode, address: c.probe.address, quantity: 1, names: [`probe@${c.probe.address}`] });
  }
  return reads;
}

/** The answer to a probe: only a block that is exactly that one-word read counts. */
function probeValue(blocks: readonly ReadBlock[], probe: { functionCode: number; address: number }): number | undefined {
  const b = blocks.find((x) => x.functionCode === probe.functionCode && x.address === probe.address && x.registers.length === 1);
  return b?.registers[0];
}

export type SignatureVerdict = 'match' | 'mismatch' | 'unknown';

/** 'unknown' when the definition has no signature or the answers do not cover it. */
export function matchSignature(def: DeviceDefinition, blocks: readonly ReadBlock[]): SignatureVerdict {
  const checks = def.identification ?? [];
  if (checks.length === 0) return 'unknown';
  const { raw } = decodeDeviceRegisters(def, blocks);
  let covered = true;
  for (const check of checks) {
    const value = check.probe ? probeValue(blocks, check.probe) : raw[check.register];
    if (value === undefined) covered = false;
    else if (!(check.anyOf as readonly (number | string)[]).includes(value)) return 'mismatch';
  }
  return covered ? 'match' : 'unknown';
}

/** Definitions whose whole signature the answers match. */
export function recognise(defs: readonly DeviceDefinition[], blocks: readonly ReadBlock[]): DeviceDefinition[] {
  return defs.filter((d) => matchSignature(d, blocks) === 'match');
}
