// A DSMR smart meter's P1 port: a telegram every second (DSMR 5.0, e-MUCS) or every ten
// seconds (4.x, 2.2), built by protocols/dsmr's encoder so it is what the gateway decodes.
import type { P1EncodeVersion } from '../../protocols/dsmr/encoder.js';
import { encodeP1Telegram } from '../../protocols/dsmr/encoder.js';
import { PushMeter, type PushMeterOptions } from './push-meter.js';
import type { DeviceContext, DeviceEndpoint, SimulatedDevice } from './simulated-device.js';

export interface P1MeterOptions {
  version: P1EncodeVersion;
  /** Identification line without '/'; a plausible one per version by default. */
  header?: string;
  /** IANA zone of the meter's clock (Europe/Amsterdam). */
  timeZone?: string;
  pty?: PushMeterOptions['pty'];
}

const DEFAULT_HEADER: Record<P1EncodeVersion, string> = {
  '2.2': 'ISk5\\2MT382-1000',
  '4.2': 'KFM5KAIFA-METER',
  '5.0': 'Ene5\\T211 ESMR 5.0',
  'e-mucs': 'FLU5\\253769484_A',
};

/** DSMR 4.x/5.0 and e-MUCS: 115200 baud 8N1; DSMR 2.2/3.0: 9600 baud 7E1. */
function lineOf(version: P1EncodeVersion): { baudRate: number; parity: 'none' | 'even'; dataBits: 7 | 8 } {
  return version === '2.2' ? { baudRate: 9600, parity: 'even', dataBits: 7 } : { baudRate: 115200, parity: 'none', dataBits: 8 };
}

export function p1PeriodMs(version: P1EncodeVersion): number {
  return version === '5.0' || version === 'e-mucs' ? 1000 : 10_000;
}

/** Changes the CRC digits after '!' (or, without a CRC, a digit of the first value) so the check fails. */
function corruptTelegram(frame: Uint8Array): Uint8Array {
  const out = Uint8Array.from(frame);
  const bang = out.lastIndexOf(0x21);
  const i = bang >= 0 && bang + 1 < out.length && out[bang + 1] !== 0x0d ? bang + 1 : out.indexOf(0x28) + 1;
  const c = out[i] as number;
  out[i] = c === 0x30 ? 0x31 : 0x30;
  return out;
}

export class P1Meter extends PushMeter implements SimulatedDevice {
  private constructor(
    ctx: DeviceContext,
    line: Awaited<ReturnType<typeof PushMeter['openLine']>>,
    private readonly options: P1MeterOptions,
  ) {
    super(ctx, line, {
      tickMs: p1PeriodMs(options.version),
      frameAt: (_atMs, values, meterTimeMs) =>
        Buffer.from(
          encodeP1Telegram({
            version: this.options.version,
            header: this.options.header ?? DEFAULT_HEADER[this.options.version],
            meterId: this.identity.meterId,
            meterTimeMs,
            timeZone: this.options.timeZone ?? 'Europe/Amsterdam',
            values,
          }),
          'latin1',
        ),
      corrupt: corruptTelegram,
    });
  }

  static async open(ctx: DeviceContext, options: P1MeterOptions): Promise<P1Meter> {
    const line = await PushMeter.openLine({ line: lineOf(options.version), ...(options.pty ? { pty: options.pty } : {}) });
    return new P1Meter(ctx, line, options);
  }

  endpoint(): Extract<DeviceEndpoint, { transport: 'dsmr-p1' }> {
    return { transport: 'dsmr-p1', path: this.clientPath, ...lineOf(this.options.version) };
  }
}
