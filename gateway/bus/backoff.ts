// Exponential back-off with full jitter, for reconnecting a lost port or socket and for
// resting a device that stopped answering. The random source is injectable so tests are exact.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Multiplier per consecutive failure (default 2). */
  factor?: number;
  /** Fraction of the delay that is randomised, 0..1 (default 0.5). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  constructor(private readonly options: BackoffOptions) {
    if (options.initialMs <= 0 || options.maxMs < options.initialMs) throw new Error('Backoff: need 0 < initialMs <= maxMs');
  }

  /** Consecutive failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** Records a failure and returns how long to wait before the next try. */
  next(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0.5, random = Math.random } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures++;
    const spread = base * Math.min(1, Math.max(0, jitter));
    return Math.round(base - spread + spread * random());
  }

  reset(): void {
    this.failures = 0;
  }
}
