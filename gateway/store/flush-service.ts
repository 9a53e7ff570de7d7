// Readings wait in memory and are committed together, one transaction per period (a Pi's SD
// card lives longer for it). A failed flush keeps the readings for the next try and says so.
import type { Service, ServiceContext } from '../services/service.js';

export class StoreFlushService implements Service {
  readonly name = 'store-flush';
  private ctx: ServiceContext | undefined;
  flushFailures = 0;

  start(ctx: ServiceContext): void {
    this.ctx = ctx;
    ctx.clock.setInterval(() => this.flush(), ctx.config.store.flushIntervalMs);
  }

  /** Commits what is buffered now; true when the store took it. */
  flush(): boolean {
    const ctx = this.ctx;
    if (!ctx) return false;
    try {
      const count = ctx.store.readings.flush();
      if (count > 0) ctx.events.emit('readingsFlushed', { count, atMs: ctx.clock.now() });
      return true;
    } catch (err) {
      this.flushFailures++;
      ctx.log.error({ err, pending: ctx.store.readings.pending }, 'flush failed; readings kept for the next try');
      return false;
    }
  }

  stop(): void {
    // The last flush happens when the store closes, after every service has stopped.
    this.ctx = undefined;
  }
}
