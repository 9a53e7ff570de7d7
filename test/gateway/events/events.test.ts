import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../gateway/events/events.js';

describe('event bus', () => {
  it('delivers typed events to every listener, and counts a listener that throws without stopping the others', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.on('readingsFlushed', () => {
      throw new Error('bad listener');
    });
    bus.on('readingsFlushed', (e) => seen.push(e.count));
    bus.emit('readingsFlushed', { count: 3, atMs: 0 });
    expect(seen).toEqual([3]);
    expect(bus.listenerErrors.get('readingsFlushed')).toBe(1);
    expect(bus.emitted('readingsFlushed')).toBe(1);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new EventBus();
    let n = 0;
    const off = bus.on('intervalClosed', () => n++);
    bus.emit('intervalClosed', { intervalStartMs: 0, intervalMs: 900_000 });
    off();
    bus.emit('intervalClosed', { intervalStartMs: 900_000, intervalMs: 900_000 });
    expect(n).toBe(1);
  });
});
