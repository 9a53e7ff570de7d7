// What HAN and P1 meters share: they push a frame on a serial line at fixed instants of their
// own clock, whether anyone listens or not. The schedule is aligned to the clock (a 2 s list
// at even seconds, a 10 s list at :00, :10, …) and the faults apply to every frame.
import type { TimerHandle } from '../../core/clock.js';
import type { QuantityValues } from '../../core/quantities.js';
import type { OpenPtyPairOptions } from '../transports/pty-pair.js';
import { GarbageInjector, PtyLine, type LineSettings } from '../transports/serial-line.js';
import { FaultSwitch, ReportedValues } from './faults.js';
import type { DeviceContext, DeviceIdentity } from './simulated-device.js';

export interface PushSchedule {
  /** Tick period (clock ms); frames can only go out on ticks. */
  tickMs: number;
  /** The frame for the tick at `atMs` (true time), or undefined for none. */
  frameAt(atMs: number, values: QuantityValues, meterTimeMs: number): Uint8Array | undefined;
  /** The frame with its checksum broken (the crc-error fault). */
  corrupt(frame: Uint8Array): Uint8Array;
}

export interface PushMeterOptions {
  line: LineSettings;
  pty?: OpenPtyPairOptions;
}

export class PushMeter {
  readonly identity: DeviceIdentity;
  readonly faults = new FaultSwitch();
  private readonly reported: ReportedValues;
  private timer: TimerHandle | undefined;
  private readonly garbage: GarbageInjector;
  /** Frames written to the line. */
  framesSent = 0;
  private sentListeners = new Set<(frame: Uint8Array, atMs: number) => void>();

  protected constructor(
    protected readonly ctx: DeviceContext,
    protected readonly line: PtyLine,
    private readonly schedule: PushSchedule,
  ) {
    this.identity = ctx.identity;
    this.reported = new ReportedValues(ctx.truth, this.faults);
    this.garbage = new GarbageInjector(ctx.clock, () => [this.faults], (b) => line.write(b), () => true, ctx.identity.deviceId);
    this.faults.onChange(() => this.garbage.update());
    const clock = ctx.clock;
    const now = clock.now();
    const tick = schedule.tickMs;
    const firstMs = Math.ceil(now / tick) * tick;
    this.timer = clock.setTimeout(() => {
      this.timer = clock.setInterval(() => this.push(), tick);
      this.push();
    }, firstMs - now);
  }

  protected static openLine(options: PushMeterOptions): Promise<PtyLine> {
    return PtyLine.open({ ...options.line, ...(options.pty ? { pty: options.pty } : {}) });
  }

  reportedValues(): QuantityValues {
    return this.reported.read();
  }

  /** The meter's own clock: the true time plus any clock-skew fault. */
  meterTimeMs(): number {
    return this.ctx.clock.now() + (this.faults.get('clock-skew')?.skewMs ?? 0);
  }

  /** Called with every frame as it goes on the line; returns an unsubscribe. */
  onFrame(listener: (frame: Uint8Array, atMs: number) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  get clientPath(): string {
    return this.line.clientPath;
  }

  async close(): Promise<void> {
    this.ctx.clock.clear(this.timer);
    this.garbage.stop();
    await this.line.close();
  }

  private push(): void {
    if (this.faults.has('no-answer')) return;
    const atMs = this.ctx.clock.now();
    let frame = this.schedule.frameAt(atMs, this.reported.read(), this.meterTimeMs());
    if (!frame) return;
    if (this.faults.has('crc-error')) frame = this.schedule.corrupt(frame);
    const out = frame;
    const send = (): void => {
      this.framesSent++;
      this.line.write(out);
      for (const l of this.sentListeners) l(out, this.ctx.clock.now());
    };
    const late = this.faults.get('late-answer');
    if (late && late.delayMs > 0) this.ctx.clock.setTimeout(send, late.delayMs);
    else send();
  }
}
