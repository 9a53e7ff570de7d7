// A meter described by a register map (protocols/devices): reads are planned once per poll
// group with the read planner for the bus's line model, then every poll runs the planned
// requests through the bus's queue and decodes the answers.
import type { ReadBlock } from '../../protocols/modbus/device-decode.js';
import { decodeDeviceRegisters } from '../../protocols/modbus/device-decode.js';
import type { LineModel } from '../../protocols/modbus/line-time.js';
import { planReads, type ReadPlan } from '../../protocols/modbus/planner.js';
import type { DeviceDefinition, PollGroup } from '../../protocols/modbus/registers.js';
import type { ModbusPort } from '../bus/modbus-port.js';
import { BusError, type RequestPriority, type RequestQueue } from '../bus/request-queue.js';
import type { DeviceReadResult, PolledDevice } from './device-reader.js';

export interface ModbusDeviceOptions {
  deviceId: string;
  busId: string;
  unitId: number;
  definition: DeviceDefinition;
  port: ModbusPort;
  queue: RequestQueue;
  line: LineModel;
  timeoutMs: number;
}

export class ModbusDevice implements PolledDevice {
  readonly deviceId: string;
  readonly busId: string;
  private readonly plans = new Map<string, ReadPlan>();

  constructor(private readonly options: ModbusDeviceOptions) {
    this.deviceId = options.deviceId;
    this.busId = options.busId;
  }

  plan(groups: readonly PollGroup[]): ReadPlan {
    const key = groups.join('+');
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planReads(this.options.definition, { line: this.options.line, groups });
      this.plans.set(key, plan);
    }
    return plan;
  }

  async read(group: PollGroup, priority: RequestPriority = group === 'fast' ? 'fast' : 'slow'): Promise<DeviceReadResult> {
    return this.readGroups([group], priority);
  }

  async readGroups(groups: readonly PollGroup[], priority: RequestPriority): Promise<DeviceReadResult> {
    const { port, queue, unitId, timeoutMs } = this.options;
    const plan = this.plan(groups);
    const blocks: ReadBlock[] = [];
    for (const r of plan.requests) {
      const response = await queue.enqueue({
        deviceId: this.deviceId,
        priority,
        timeoutMs,
        run: (signal) => port.exchange(unitId, { kind: 'read', functionCode: r.functionCode, address: r.address, quantity: r.quantity }, signal),
      });
      if (response.kind !== 'read') throw new BusError('protocol', `answer of kind ${response.kind} to a read`, this.deviceId);
      blocks.push({ functionCode: r.functionCode, address: r.address, registers: response.registers });
    }
    const decoded = decodeDeviceRegisters(this.options.definition, blocks, { groups });
    return {
      values: decoded.values,
      rejections: decoded.rejections.map((x) => ({ name: x.register, reason: x.reason, detail: x.detail })),
      raw: decoded.raw as Record<string, unknown>,
      model: `${this.options.definition.manufacturer} ${this.options.definition.model}`,
      requests: plan.requests.length,
    };
  }

  /** Writes holding registers (control), ahead of every read on the bus. */
  async write(address: number, values: Uint16Array): Promise<void> {
    const { port, queue, unitId, timeoutMs } = this.options;
    await queue.enqueue({
      deviceId: this.deviceId,
      priority: 'write',
      timeoutMs,
      run: (signal) =>
        port.exchange(unitId, values.length === 1 ? { kind: 'write-single', functionCode: 6, address, value: values[0] as number } : { kind: 'write-multiple', functionCode: 16, address, values }, signal),
    });
  }
}
