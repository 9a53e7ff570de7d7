// HAN and P1 meters that push less often than the real ones (a HAN list 2 or a P1 telegram
// once a minute instead of every 10 s), with the real list 3 at hh:00:10. Under a clock
// stepped in lockstep every pushed frame costs a real round trip, so a simulated day of a
// building fits in a test or a demo; the bytes are the real encoders' all the same.
import { encodeP1Telegram, type P1EncodeVersion } from '../../protocols/dsmr/encoder.js';
import type { HanLayout, HanList } from '../../protocols/han/han-frame.js';
import { encodeHanFrame } from '../../protocols/han/encode.js';
import type { QuantityValues } from '../../core/quantities.js';
import type { RunningFleet } from '../fleet/fleet-runner.js';
import { LIST3_OFFSET_MS } from './han-meter.js';
import { PushMeter } from './push-meter.js';
import type { DeviceContext, DeviceEndpoint, SimulatedDevice } from './simulated-device.js';

export interface PushPace {
  /** HAN list 2 (no list 1) every this many clock ms; list 3 stays hourly at hh:00:10. */
  hanList2EveryMs: number;
  /** P1 telegram every this many clock ms. */
  p1EveryMs: number;
}

export const MINUTE_PACE: PushPace = { hanList2EveryMs: 60_000, p1EveryMs: 60_000 };

const HAN_LINE: Record<HanLayout, { baudRate: number; parity: 'none' | 'even' }> = {
  aidon: { baudRate: 2400, parity: 'even' },
  kaifa: { baudRate: 2400, parity: 'even' },
  kamstrup: { baudRate: 2400, parity: 'none' },
};

function flipByte(frame: Uint8Array, i: number): Uint8Array {
  const out = Uint8Array.from(frame);
  let b = (out[i] as number) ^ 0x55;
  // Never turn a HAN byte into a flag or escape, nor a P1 digit into a line end.
  if (b === 0x7e || b === 0x7d || b === 0x0d || b === 0x0a || b === 0x21) b ^= 0x01;
  out[i] = b;
  return out;
}

export class PacedHanMeter extends PushMeter implements SimulatedDevice {
  private constructor(
    ctx: DeviceContext,
    line: Awaited<ReturnType<typeof PushMeter['openLine']>>,
    private readonly layout: HanLayout,
    list2EveryMs: number,
  ) {
    if (!(list2EveryMs >= 10_000 && list2EveryMs % 10_000 === 0)) throw new Error('HAN list 2 period must be a multiple of 10 s');
    super(ctx, line, {
      tickMs: 10_000,
      frameAt: (atMs, values, meterTimeMs) => {
        const list: HanList | undefined = atMs % 3_600_000 === LIST3_OFFSET_MS ? 3 : atMs % list2EveryMs === 0 ? 2 : undefined;
        return list === undefined ? undefined : this.encode(list, values, meterTimeMs);
      },
      // The byte before the closing flag is the FCS.
      corrupt: (frame) => flipByte(frame, frame.length - 2),
    });
  }

  static async open(ctx: DeviceContext, layout: HanLayout, list2EveryMs: number): Promise<PacedHanMeter> {
    const line = await PushMeter.openLine({ line: HAN_LINE[layout] });
    return new PacedHanMeter(ctx, line, layout, list2EveryMs);
  }

  endpoint(): Extract<DeviceEndpoint, { transport: 'han' }> {
    return { transport: 'han', path: this.clientPath, ...HAN_LINE[this.layout] };
  }

  private encode(list: HanList, values: QuantityValues, meterTimeMs: number): Uint8Array {
    return encodeHanFrame({ layout: this.layout, list, meterTimeMs, timeZone: 'Europe/Oslo', meterId: this.identity.meterId, meterModel: this.identity.model, values, phases: 3 });
  }
}

export class PacedP1Meter extends PushMeter implements SimulatedDevice {
  private constructor(
    ctx: DeviceContext,
    line: Awaited<ReturnType<typeof PushMeter['openLine']>>,
    version: Exclude<P1EncodeVersion, '2.2'>,
    everyMs: number,
  ) {
    super(ctx, line, {
      tickMs: everyMs,
      frameAt: (_atMs, values, meterTimeMs) =>
        Buffer.from(encodeP1Telegram({ version, header: 'KFM5KAIFA-METER', meterId: this.identity.meterId, meterTimeMs, timeZone: 'Europe/Amsterdam', values }), 'latin1'),
      // The first CRC digit after '!'.
      corrupt: (frame) => flipByte(frame, frame.lastIndexOf(0x21) + 1),
    });
  }

  static async open(ctx: DeviceContext, version: Exclude<P1EncodeVersion, '2.2'>, everyMs: number): Promise<PacedP1Meter> {
    const line = await PushMeter.openLine({ line: { baudRate: 115200, parity: 'none', dataBits: 8 } });
    return new PacedP1Meter(ctx, line, version, everyMs);
  }

  endpoint(): Extract<DeviceEndpoint, { transport: 'dsmr-p1' }> {
    return { transport: 'dsmr-p1', path: this.clientPath, baudRate: 115200, parity: 'none', dataBits: 8 };
  }
}

/**
 * Replaces the HAN and P1 meters of a running fleet by paced ones on fresh ptys (same identity
 * and truth), in `devices` and `endpoints`, so a listing made afterwards points at them. The
 * replacements are closed with the fleet.
 */
export async function pacePushMeters(fleet: RunningFleet, pace: PushPace = MINUTE_PACE): Promise<void> {
  const clock = fleet.world.clock;
  const opened: PushMeter[] = [];
  for (const plan of fleet.world.allDevices()) {
    const d = plan.spec;
    const old = fleet.devices.get(plan.deviceId);
    if (!old || (d.kind !== 'han' && d.kind !== 'p1')) continue;
    const ctx: DeviceContext = { identity: plan.identity, truth: plan.truth, clock };
    if (d.kind === 'p1' && d.dsmrVersion === '5.0') throw new Error(`${plan.deviceId}: pace a DSMR 4.2 or e-MUCS meter (5.0 pushes every second by definition)`);
    const meter = d.kind === 'han' ? await PacedHanMeter.open(ctx, d.vendor, pace.hanList2EveryMs) : await PacedP1Meter.open(ctx, d.dsmrVersion as '4.2' | 'e-mucs', pace.p1EveryMs);
    await (old as unknown as PushMeter).close();
    opened.push(meter);
    fleet.devices.set(plan.deviceId, meter);
    fleet.endpoints.set(plan.deviceId, meter.endpoint());
  }
  const closeFleet = fleet.close;
  fleet.close = async () => {
    await Promise.allSettled(opened.map((m) => m.close()));
    await closeFleet();
  };
}
