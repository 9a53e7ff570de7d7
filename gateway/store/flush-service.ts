// Readings wait in memory and are committed together, one transaction per period (a Pi's SD
// card lives longer for it). The ReadingFlusher survives a store that cannot take them (a full
// or read-only disk): the buffer is capped, the failure is an alarm, writing resumes by itself.
import type { Service, ServiceContext } from '../services/service.js';
import { ReadingFlusher } from './flusher.js';

export class StoreFlushService implements Service {
  readonly name = 'store-flush';
  private flusher: ReadingFlusher | undefined;

  start(ctx: ServiceContext): void {
    const flusher = new ReadingFlusher(ctx.store, ctx.clock, ctx.log, { onAlarm: (alarm) => ctx.events.emit('alarm', alarm) });
    this.flusher = flusher;
    ctx.clock.setInterval(() => {
      const r = flusher.flushNow();
      if (r.ok && r.value > 0) ctx.events.emit('readingsFlushed', { count: r.value, atMs: ctx.clock.now() });
    }, ctx.config.store.flushIntervalMs);
    ctx.status.provide('store', () => flusher.status());
  }

  stop(): void {
    // A last flush; the store's close flushes again what any later service still added.
    this.flusher?.flushNow();
    this.flusher = undefined;
  }
}
