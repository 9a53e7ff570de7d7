// An S0 pulse output (DIN 43864 / EN 62053-31): one pulse per 1/pulsesPerKWh kWh of the
// counter it follows, each at least 30 ms long with at least as long a pause after it. Energy
// that comes faster than the line can pulse is owed and paid out back to back, never lost.
import type { Clock, TimerHandle } from '../../core/clock.js';

export interface S0PulseOutputOptions {
  clock: Clock;
  /** The counter the pulses follow, Wh (undefined while the device has none). */
  readCounterWh: () => number | undefined;
  pulsesPerKWh: number;
  /** Pulse length (clock ms), at least 30 per DIN 43864. */
  pulseWidthMs?: number;
  /** Pause after a pulse before the next (clock ms); the pulse width by default. */
  minGapMs?: number;
  /** How often an idle output looks at the counter (clock ms). */
  pollMs?: number;
  /** Called on every edge: true when the pulse starts, false when it ends. */
  onLevel: (high: boolean) => void;
}

export const DIN_43864_MIN_PULSE_MS = 30;

export class S0PulseOutput {
  private readonly widthMs: number;
  private readonly gapMs: number;
  private readonly pollMs: number;
  private baselineWh = 0;
  private lastCounterWh = 0;
  private timer: TimerHandle | undefined;
  private dueMs: number | undefined;
  private high = false;
  private lastFallMs = Number.NEGATIVE_INFINITY;
  /** Pulses started since `start`. */
  pulses = 0;

  constructor(private readonly options: S0PulseOutputOptions) {
    if (!(options.pulsesPerKWh > 0)) throw new Error('S0: pulsesPerKWh must be positive');
    this.widthMs = options.pulseWidthMs ?? 50;
    if (this.widthMs < DIN_43864_MIN_PULSE_MS) throw new Error(`S0: pulses shorter than ${DIN_43864_MIN_PULSE_MS} ms break DIN 43864`);
    this.gapMs = options.minGapMs ?? this.widthMs;
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Starts counting from the counter's present value. */
  start(): void {
    const now = this.options.readCounterWh() ?? 0;
    this.baselineWh = now;
    this.lastCounterWh = now;
    this.pulses = 0;
    this.schedule(this.pollMs);
  }

  stop(): void {
    this.options.clock.clear(this.timer);
    this.timer = undefined;
    this.dueMs = undefined;
    if (this.high) {
      this.high = false;
      this.options.onLevel(false);
    }
  }

  get level(): boolean {
    return this.high;
  }

  /** When this output next does something (clock ms), for stepping a clock edge by edge. */
  nextWakeAtMs(): number | undefined {
    return this.dueMs;
  }

  /** Pulses the energy so far calls for that have not started yet. */
  owed(): number {
    const counter = this.options.readCounterWh();
    if (counter === undefined) return 0;
    const due = Math.floor(((counter - this.baselineWh) * this.options.pulsesPerKWh) / 1000 + 1e-9);
    return Math.max(0, due - this.pulses);
  }

  private schedule(delayMs: number): void {
    const clock = this.options.clock;
    clock.clear(this.timer);
    this.dueMs = clock.now() + delayMs;
    this.timer = clock.setTimeout(() => this.wake(), delayMs);
  }

  private wake(): void {
    this.timer = undefined;
    const now = this.options.clock.now();
    if (this.high) {
      this.high = false;
      this.lastFallMs = now;
      this.options.onLevel(false);
      this.schedule(this.owed() > 0 ? this.gapMs : this.pollMs);
      return;
    }
    const counter = this.options.readCounterWh();
    if (counter !== undefined && counter < this.lastCounterWh) {
      // The counter went back (reset or exchange): pulse only for energy after that.
      this.baselineWh = counter - (this.pulses * 1000) / this.options.pulsesPerKWh;
    }
    if (counter !== undefined) this.lastCounterWh = counter;
    if (this.owed() > 0 && now - this.lastFallMs >= this.gapMs) {
      this.high = true;
      this.pulses++;
      this.options.onLevel(true);
      this.schedule(this.widthMs);
      return;
    }
    this.schedule(this.pollMs);
  }
}
