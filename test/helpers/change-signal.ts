// A bounded real-time wait for a condition on something that changes by events (a broker's log,
// an MQTT inbox, a child's output): the owner calls notify() on each change, a test awaits
// until(predicate). The predicate may throw to fail the wait at once (e.g. the child exited).
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves once `predicate` holds (checked now and on each notify); rejects after `timeoutMs` with `failure()`. */
  until(predicate: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let holds: boolean;
        try {
          holds = predicate();
        } catch (err) {
          done();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (!holds) return;
        done();
        resolve();
      };
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(failure()));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}
