// A Norwegian AMS meter on its HAN port (Aidon, Kaifa, Kamstrup): list 1 (active power) every
// 2 s, list 2 (phases, identity) every 10 s in its place, and list 3 (list 2 with the clock and
// energy counters) once an hour at hh:00:10, as the NVE-mandated push cadence has it. Frames
// come from protocols/han's encoder, so they are the bytes the gateway's decoder is tested on.
import type { HanLayout, HanList } from '../../protocols/han/han-frame.js';
import { encodeHanFrame } from '../../protocols/han/encode.js';
import type { QuantityValues } from '../../core/quantities.js';
import { PushMeter, type PushMeterOptions } from './push-meter.js';
import type { DeviceContext, DeviceEndpoint, SimulatedDevice } from './simulated-device.js';

export interface HanMeterOptions {
  layout: HanLayout;
  /** Send list 1 every 2 s between the 10 s lists (Aidon and Kaifa); Kamstrup has no list 1. */
  list1?: boolean;
  phases?: 1 | 3;
  /** IANA zone of the meter's wall clock (Europe/Oslo). */
  timeZone?: string;
  /** Encrypted HAN (general-glo-ciphering), as some DSOs configure it. */
  encryption?: { encryptionKey: Uint8Array; authenticationKey: Uint8Array; systemTitle: Uint8Array };
  pty?: PushMeterOptions['pty'];
}

/** Line settings per vendor: 2400 baud, 8E1 (Aidon, Kaifa) or 8N1 (Kamstrup). */
const LINE: Record<HanLayout, { baudRate: number; parity: 'none' | 'even' }> = {
  aidon: { baudRate: 2400, parity: 'even' },
  kaifa: { baudRate: 2400, parity: 'even' },
  kamstrup: { baudRate: 2400, parity: 'none' },
};

/** Seconds past the hour at which list 3 goes out (instead of that tick's list). */
export const LIST3_OFFSET_MS = 10_000;

/** Which list goes out at clock time `atMs`, if any. */
export function hanListAt(atMs: number, list1: boolean): HanList | undefined {
  if (atMs % 3_600_000 === LIST3_OFFSET_MS) return 3;
  if (atMs % 10_000 === 0) return 2;
  if (list1 && atMs % 2_000 === 0) return 1;
  return undefined;
}

/** Breaks the FCS: the byte before the closing flag, never turned into a flag or escape. */
function corruptFcs(frame: Uint8Array): Uint8Array {
  const out = Uint8Array.from(frame);
  const i = out.length - 2;
  let b = (out[i] as number) ^ 0x55;
  if (b === 0x7e || b === 0x7d) b ^= 0x01;
  out[i] = b;
  return out;
}

export class HanMeter extends PushMeter implements SimulatedDevice {
  private frameCounter = 1;

  private constructor(
    ctx: DeviceContext,
    line: Awaited<ReturnType<typeof PushMeter['openLine']>>,
    private readonly options: HanMeterOptions,
  ) {
    const list1 = options.list1 ?? options.layout !== 'kamstrup';
    if (list1 && options.layout === 'kamstrup') throw new Error('Kamstrup meters send no list 1');
    super(ctx, line, {
      tickMs: list1 ? 2000 : 10_000,
      frameAt: (atMs, values, meterTimeMs) => {
        const list = hanListAt(atMs, list1);
        return list === undefined ? undefined : this.encode(list, values, meterTimeMs);
      },
      corrupt: corruptFcs,
    });
  }

  static async open(ctx: DeviceContext, options: HanMeterOptions): Promise<HanMeter> {
    const line = await PushMeter.openLine({ line: LINE[options.layout], ...(options.pty ? { pty: options.pty } : {}) });
    return new HanMeter(ctx, line, options);
  }

  endpoint(): Extract<DeviceEndpoint, { transport: 'han' }> {
    return { transport: 'han', path: this.clientPath, ...LINE[this.options.layout] };
  }

  private encode(list: HanList, values: QuantityValues, meterTimeMs: number): Uint8Array {
    const e = this.options.encryption;
    return encodeHanFrame({
      layout: this.options.layout,
      list,
      meterTimeMs,
      timeZone: this.options.timeZone ?? 'Europe/Oslo',
      meterId: this.identity.meterId,
      meterModel: this.identity.model,
      values,
      phases: this.options.phases ?? 3,
      ...(e ? { encryption: { ...e, frameCounter: this.frameCounter++ } } : {}),
    });
  }
}
