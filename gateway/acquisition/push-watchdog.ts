// A meter that pushes (HAN, P1) and falls silent produces no failed read to count, so the
// watchdog counts the silence: every check period without a frame is one 'silent' error on the
// device, and the log says so once when it starts and once when frames come back.
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { HealthRegistry } from './health.js';

export interface PushWatchdogOptions {
  /** A device is silent when no frame came for this long (simulated or real, the clock's time). */
  silentAfterMs: number;
}

export class PushWatchdog {
  private timer: TimerHandle | undefined;
  private readonly silent = new Set<string>();
  private readonly startedMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly health: HealthRegistry,
    private readonly log: Logger,
    private readonly devices: ReadonlyArray<{ deviceId: string; busId: string }>,
    private readonly options: PushWatchdogOptions,
  ) {
    this.startedMs = clock.now();
  }

  start(): void {
    if (this.devices.length === 0 || this.timer) return;
    this.timer = this.clock.setInterval(() => this.check(), this.options.silentAfterMs);
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
  }

  check(): void {
    const now = this.clock.now();
    for (const { deviceId, busId } of this.devices) {
      const last = this.health.device(deviceId, busId).lastSuccessMs ?? this.startedMs;
      const quietMs = now - last;
      if (quietMs >= this.options.silentAfterMs) {
        this.health.recordError(deviceId, busId, now, 'silent', `no frame for ${Math.round(quietMs / 1000)} s`);
        if (!this.silent.has(deviceId)) this.log.warn({ deviceId, busId }, `meter silent: no frame for ${Math.round(quietMs / 1000)} s`);
        this.silent.add(deviceId);
      } else if (this.silent.delete(deviceId)) this.log.info({ deviceId, busId }, 'meter pushing frames again');
    }
  }
}
