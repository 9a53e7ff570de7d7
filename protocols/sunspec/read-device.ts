// A whole SunSpec device from its registers: discovery, every model decoded, the normalised
// quantities and identity. Used on register dumps (CLI), simulator images and tests; the
// gateway drives discoveryStep over a real bus and then calls decodeModel per block.
import type { QuantityValues } from '../../core/quantities.js';
import type { Failure } from '../../core/result.js';
import { decodeModel, type DecodedModel } from './decode-model.js';
import { discoverSync, RegisterMap, type DiscoveryErrorKind, type DiscoveryOptions, type ModelRef } from './discovery.js';
import { identityOf, toQuantities, type NormaliseOptions, type SunSpecIdentity } from './normalise.js';

export type DeviceProblemKind = DiscoveryErrorKind | 'unknown-model' | 'block-unreadable' | 'model-problem';

export interface DeviceProblem extends Failure<DeviceProblemKind> {
  /** The model the problem concerns, when it concerns one. */
  model?: number;
  address?: number;
}

export interface SunSpecDevice {
  baseAddress?: number;
  /** The chain as discovered (possibly partial when discovery failed part-way). */
  chain: ModelRef[];
  /** Whether the chain reached the end marker. */
  complete: boolean;
  models: DecodedModel[];
  identity: SunSpecIdentity;
  quantities: QuantityValues;
  problems: DeviceProblem[];
}

/**
 * Decodes a device from whatever registers `read` can supply (undefined for registers it does
 * not have). Never throws on bad data: every problem is listed with its reason.
 */
export function readSunSpecDevice(
  read: (address: number, count: number) => ArrayLike<number> | undefined,
  options: DiscoveryOptions & NormaliseOptions = {},
): SunSpecDevice {
  const known = new RegisterMap();
  const result = discoverSync(read, options, known);
  const device: SunSpecDevice = {
    chain: result.models,
    complete: result.kind === 'done',
    models: [],
    identity: {},
    quantities: {},
    problems: [],
  };
  if (result.baseAddress !== undefined) device.baseAddress = result.baseAddress;
  if (result.kind === 'failed') device.problems.push({ ...result.error });
  for (const ref of result.models) {
    const block = ref.length === 0 ? [] : read(ref.address + 2, ref.length);
    if (!block || block.length !== ref.length) {
      device.problems.push({
        kind: 'block-unreadable',
        detail: `model ${ref.id} at ${ref.address}: its ${ref.length} registers (${ref.address + 2}..${ref.address + 1 + ref.length}) could not be read`,
        model: ref.id,
        address: ref.address,
      });
      continue;
    }
    const decoded = decodeModel(ref.id, block, ref.address);
    if (!decoded.ok) {
      device.problems.push({ kind: 'unknown-model', detail: `model ${ref.id} at ${ref.address} (length ${ref.length}) has no table; skipped`, model: ref.id, address: ref.address });
      continue;
    }
    for (const p of decoded.value.problems) {
      device.problems.push({ kind: 'model-problem', detail: `model ${ref.id}: ${p.kind}: ${p.detail}`, model: ref.id, address: ref.address });
    }
    device.models.push(decoded.value);
  }
  device.identity = identityOf(device.models);
  device.quantities = toQuantities(device.models, options);
  return device;
}

/** A reader over a sparse register map (address → word), e.g. a parsed dump. */
export function mapReader(registers: ReadonlyMap<number, number>): (address: number, count: number) => number[] | undefined {
  return (address, count) => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const w = registers.get(address + i);
      if (w === undefined) return undefined;
      out.push(w);
    }
    return out;
  };
}

/** A reader over a contiguous image starting at `start` (what buildSunSpecImage returns). */
export function imageReader(image: { start: number; registers: ArrayLike<number> }): (address: number, count: number) => number[] | undefined {
  return (address, count) => {
    const from = address - image.start;
    if (from < 0 || count < 0 || from + count > image.registers.length) return undefined;
    return Array.from({ length: count }, (_, i) => image.registers[from + i] ?? 0);
  };
}
