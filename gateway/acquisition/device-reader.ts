// What acquisition needs from a device it polls: read a poll group now and say what came out.
import type { QuantityValues } from '../../core/quantities.js';
import type { PollGroup } from '../../protocols/modbus/registers.js';
import type { RequestPriority } from '../bus/request-queue.js';

export interface ValueRejection {
  /** Register, point or quantity the rejection concerns. */
  name: string;
  reason: string;
  detail: string;
}

export interface DeviceReadResult {
  values: QuantityValues;
  rejections: ValueRejection[];
  /** Everything read, by register or point name (identity strings, enums, settings). */
  raw: Record<string, unknown>;
  meterId?: string;
  model?: string;
  meterTimeMs?: number;
  /** Requests on the wire for this read. */
  requests: number;
}

export interface PolledDevice {
  readonly deviceId: string;
  readonly busId: string;
  /** Reads a group; rejects with a BusError when the device could not be read at all. */
  read(group: PollGroup, priority?: RequestPriority): Promise<DeviceReadResult>;
}
