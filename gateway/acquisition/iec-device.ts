// A meter read by IEC 62056-21 readout: every poll is one whole readout through the bus's queue
// (the meter always sends all it has), mapped onto normalised quantities by the protocol's
// OBIS table (kWh → Wh, kW → W). The meter id comes from 0.0.0 / C.1.0 or the identification.
import type { IecReadout } from '../../protocols/iec62056-21/index.js';
import type { PollGroup } from '../../protocols/modbus/registers.js';
import type { IecPort } from '../bus/iec-port.js';
import type { RequestPriority, RequestQueue } from '../bus/request-queue.js';
import type { DeviceReadResult, PolledDevice } from './device-reader.js';

export interface IecDeviceOptions {
  deviceId: string;
  busId: string;
  port: Pick<IecPort, 'readout'>;
  queue: RequestQueue;
  /** Bound on a whole readout (sign-on at 300 baud and the data message take seconds). */
  timeoutMs: number;
  /** Device address for '/?address!' when several meters share the loop. */
  address?: string;
}

/** The slowest readout worth waiting for: a few hundred characters at 300 baud plus the meter's reaction times. */
export const DEFAULT_IEC_READOUT_TIMEOUT_MS = 30_000;

export function readoutResult(readout: IecReadout): DeviceReadResult {
  const raw: Record<string, unknown> = {};
  for (const ds of readout.dataSets) {
    if (ds.address === null || ds.address in raw) continue;
    raw[ds.address] = ds.unit !== undefined ? `${ds.value}*${ds.unit}` : ds.value;
  }
  const id = readout.identification;
  const meterId = readout.meterId ?? (id && id.identification.trim() !== '' ? id.identification.trim() : undefined);
  return {
    values: { ...readout.values },
    rejections: [],
    raw,
    ...(meterId !== undefined ? { meterId } : {}),
    ...(id ? { model: `${id.manufacturerId} ${id.identification}`.trim() } : {}),
    requests: 1,
  };
}

export class IecDevice implements PolledDevice {
  readonly deviceId: string;
  readonly busId: string;

  constructor(private readonly options: IecDeviceOptions) {
    this.deviceId = options.deviceId;
    this.busId = options.busId;
  }

  /** Any group reads everything: a readout cannot be narrowed, and splitting it would only repeat it. */
  async read(group: PollGroup, priority: RequestPriority = group === 'fast' ? 'fast' : 'slow'): Promise<DeviceReadResult> {
    const { port, queue, timeoutMs, address } = this.options;
    const readout = await queue.enqueue({
      deviceId: this.deviceId,
      priority,
      timeoutMs,
      run: (signal) => port.readout(signal, address !== undefined ? { address } : {}),
    });
    return readoutResult(readout);
  }
}
