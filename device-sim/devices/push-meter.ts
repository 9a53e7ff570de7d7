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
  /** The grid instant (a multiple of the tick) the next frame belongs to. */
  private nextSlotMs: number;
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
    const now = ctx.clock.now();
    this.nextSlotMs = Math.ceil(now / schedule.tickMs) * schedule.tickMs;
    this.armNextTick();
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

  /**
   * One timer per tick, aimed at the next grid instant from wherever the clock is now. A clock
   * that runs by itself (an accelerated fleet) fires timers a little after their due time and
   * a fixed-period timer would carry that lag on, drifting off the 2 s / 10 s grid the
   * schedule's lists are defined on; so each frame belongs to its grid slot, not to the
   * instant its timer happened to fire.
   */
  private armNextTick(): void {
    const clock = this.ctx.clock;
    this.timer = clock.setTimeout(() => this.onTick(), Math.max(0, this.nextSlotMs - clock.now()));
  }

  private onTick(): void {
    const tick = this.schedule.tickMs;
    const now = this.ctx.clock.now();
    let slot = this.nextSlotMs;
    // Woken a whole tick late or more (a stalled process): the missed slots are gone, as a meter's
    // frames are to a gateway that was not listening.
    if (now - slot >= tick) slot = Math.floor(now / tick) * tick;
    this.nextSlotMs = slot + tick;
    this.armNextTick();
    this.push(slot);
  }

  private push(atMs: number): void {
    if (this.faults.has('no-answer')) return;
    let frame = this.schedule.frameAt(atMs, this.reported.read(), atMs + (this.faults.get('clock-skew')?.skewMs ?? 0));
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
