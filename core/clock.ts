// The clock interface every layer may depend on (DESIGN principle 2). Implementations (a real
// clock, a simulated one) live in the shell, gateway/clock/; pure code takes a Clock or a time.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  setInterval(fn: () => void, periodMs: number): TimerHandle;
  clear(handle: TimerHandle | undefined): void;
  /** Resolves after `durationMs` of this clock's time; rejects with the signal's reason on abort. */
  sleep(durationMs: number, signal?: AbortSignal): Promise<void>;
  /** Real milliseconds per clock millisecond is 1/speed; Infinity for a clock stepped by hand. */
  readonly speed: number;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

export function sleepOn(clock: Clock, durationMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clear(handle);
      reject(abortError(signal as AbortSignal));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, durationMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

