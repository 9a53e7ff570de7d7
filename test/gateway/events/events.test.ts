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

describe('device health changes', () => {
  it('announces a device that starts failing, goes silent and answers again, once per change', async () => {
    const { HealthRegistry } = await import('../../../gateway/acquisition/health.js');
    const health = new HealthRegistry();
    const changes: string[] = [];
    health.onStateChange = (c) => changes.push(`${c.deviceId}:${c.state}`);
    health.recordSuccess('m', 'bus', 1, 5);
    health.recordError('m', 'bus', 2, 'timeout', 'no answer');
    health.recordError('m', 'bus', 3, 'timeout', 'no answer');
    health.recordError('m', 'bus', 4, 'backed-off', 'resting');
    health.recordError('m', 'bus', 5, 'silent', 'no frame for 60 s');
    health.recordSuccess('m', 'bus', 6, 5);
    health.recordSuccess('m', 'bus', 7, 5);
    expect(changes).toEqual(['m:failing', 'm:silent', 'm:ok']);
  });
});
