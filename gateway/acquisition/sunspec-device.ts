// A SunSpec device (inverter, meter, storage): the model chain is discovered once over the bus
// (discoveryStep, driven with real reads), then every poll reads the model blocks it needs,
// planned into the fewest requests, and decodes them. A read that fails during discovery
// throws; the next poll discovers again.
import type { LineModel } from '../../protocols/modbus/line-time.js';
import { planSpans, type Span } from '../../protocols/modbus/planner.js';
import type { DeviceLimits, PollGroup } from '../../protocols/modbus/registers.js';
import { decodeModel, type DecodedModel } from '../../protocols/sunspec/decode-model.js';
import { discoveryStep, RegisterMap, type ModelRef } from '../../protocols/sunspec/discovery.js';
import { identityOf, toQuantities } from '../../protocols/sunspec/normalise.js';
import type { ModbusPort } from '../bus/modbus-port.js';
import { BusError, type RequestPriority, type RequestQueue } from '../bus/request-queue.js';
import type { DeviceReadResult, PolledDevice, ValueRejection } from './device-reader.js';

export interface SunSpecDeviceOptions {
  deviceId: string;
  busId: string;
  unitId: number;
  port: ModbusPort;
  queue: RequestQueue;
  line: LineModel;
  timeoutMs: number;
  limits?: DeviceLimits;
}

/** Models read on every fast poll; the common model (identity) is read on slow polls only. */
const IDENTITY_MODELS = new Set([1]);

export class SunSpecDevice implements PolledDevice {
  readonly deviceId: string;
  readonly busId: string;
  private chain: ModelRef[] | undefined;
  private baseAddress: number | undefined;

  constructor(private readonly options: SunSpecDeviceOptions) {
    this.deviceId = options.deviceId;
    this.busId = options.busId;
  }

  get models(): ReadonlyArray<ModelRef> | undefined {
    return this.chain;
  }

  private async readRegisters(address: number, count: number, priority: RequestPriority): Promise<Uint16Array> {
    const { queue, port, unitId, timeoutMs } = this.options;
    const response = await queue.enqueue({
      deviceId: this.deviceId,
      priority,
      timeoutMs,
      run: (signal) => port.exchange(unitId, { kind: 'read', functionCode: 3, address, quantity: count }, signal),
    });
    if (response.kind !== 'read') throw new BusError('protocol', `answer of kind ${response.kind} to a read`, this.deviceId);
    return response.registers;
  }

  /** Walks the model chain (bounded by discoveryStep). */
  async discover(priority: RequestPriority = 'slow'): Promise<ModelRef[]> {
    const known = new RegisterMap();
    for (let guard = 0; guard < 2000; guard++) {
      const step = discoveryStep(known);
      if (step.kind === 'done') {
        this.chain = step.models;
        this.baseAddress = step.baseAddress;
        return step.models;
      }
      if (step.kind === 'failed') throw new BusError('protocol', `SunSpec discovery: ${step.error.kind}: ${step.error.detail}`, this.deviceId);
      try {
        known.set(step.address, await this.readRegisters(step.address, step.count, priority));
      } catch (err) {
        // An exception answer means "nothing here": discovery moves on to the next base.
        if (err instanceof BusError && err.kind === 'exception') known.markFailed(step.address, Math.min(step.count, 2));
        else throw err;
      }
    }
    throw new Error('SunSpec discovery did not converge (broken invariant)');
  }

  async read(group: PollGroup, priority: RequestPriority = group === 'fast' ? 'fast' : 'slow'): Promise<DeviceReadResult> {
    const chain = this.chain ?? (await this.discover(priority));
    const wanted = chain.filter((m) => m.length > 0 && (group !== 'fast' || !IDENTITY_MODELS.has(m.id)));
    const spans: Span[] = wanted.map((m) => ({ functionCode: 3, address: m.address + 2, words: m.length, names: [String(m.id)] }));
    const plan = planSpans(spans, this.options.limits ?? { maxRegistersPerRequest: 125, forbidden: [] }, this.options.line);
    if (!plan.ok) throw new BusError('protocol', `cannot plan SunSpec reads: ${plan.error.detail}`, this.deviceId);
    const blocks: Array<{ address: number; registers: Uint16Array }> = [];
    for (const r of plan.value.requests) blocks.push({ address: r.address, registers: await this.readRegisters(r.address, r.quantity, priority) });
    const models: DecodedModel[] = [];
    const rejections: ValueRejection[] = [];
    const raw: Record<string, unknown> = {};
    for (const m of wanted) {
      const block = blocks.find((b) => m.address + 2 >= b.address && m.address + 2 + m.length <= b.address + b.registers.length);
      if (!block) continue;
      const words = block.registers.subarray(m.address + 2 - block.address, m.address + 2 - block.address + m.length);
      const decoded = decodeModel(m.id, words, m.address);
      if (!decoded.ok) {
        rejections.push({ name: `model ${m.id}`, reason: 'unknown-model', detail: decoded.error.detail });
        continue;
      }
      for (const p of decoded.value.problems) rejections.push({ name: `model ${m.id}`, reason: p.kind, detail: p.detail });
      for (const [name, point] of Object.entries(decoded.value.points)) raw[`${m.id}.${name}`] = point.value;
      models.push(decoded.value);
    }
    const identity = identityOf(models);
    const result: DeviceReadResult = { values: toQuantities(models), rejections, raw, requests: plan.value.requests.length };
    if (identity.serial) result.meterId = identity.serial;
    if (identity.manufacturer || identity.model) result.model = [identity.manufacturer, identity.model].filter(Boolean).join(' ');
    return result;
  }

  get base(): number | undefined {
    return this.baseAddress;
  }

  /** One model as it is now (discovering the chain first when needed); undefined when the device has none. */
  async readModel(id: number, priority: RequestPriority = 'write'): Promise<DecodedModel | undefined> {
    const chain = this.chain ?? (await this.discover(priority));
    const ref = chain.find((m) => m.id === id);
    if (!ref) return undefined;
    const words = await this.readRegisters(ref.address + 2, ref.length, priority);
    const decoded = decodeModel(id, words, ref.address);
    if (!decoded.ok) throw new BusError('protocol', `model ${id}: ${decoded.error.detail}`, this.deviceId);
    return decoded.value;
  }

  /** Register writes (FC16) in the order given, on the bus's write lane: control goes before reads. */
  async write(writes: ReadonlyArray<{ address: number; words: number[] }>): Promise<void> {
    const { queue, port, unitId, timeoutMs } = this.options;
    for (const w of writes) {
      const response = await queue.enqueue({
        deviceId: this.deviceId,
        priority: 'write',
        timeoutMs,
        run: (signal) => port.exchange(unitId, { kind: 'write-multiple', functionCode: 16, address: w.address, values: Uint16Array.from(w.words) }, signal),
      });
      if (response.kind !== 'write-multiple') throw new BusError('protocol', `answer of kind ${response.kind} to a write`, this.deviceId);
    }
  }
}
