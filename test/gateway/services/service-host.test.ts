import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { ServiceHost } from '../../../gateway/services/service-host.js';
import { StatusBoard, type Service, type ServiceContext } from '../../../gateway/services/service.js';
import type { NaboConfig } from '../../../gateway/config/schema.js';
import type { Store } from '../../../gateway/store/store.js';

function host(services: Service[], clock = new SimulatedClock({ startMs: 0 })) {
  const events = new EventBus();
  const status = new StatusBoard();
  const log = createLogger({ level: 'fatal', pretty: false });
  const h = new ServiceHost({ config: {} as NaboConfig, store: {} as Store, clock, log, events, status }, services, { restartBackoff: { initialMs: 1000, maxMs: 8000, jitter: 0 } });
  return { h, clock, events, status };
}

function recorder(name: string, order: string[], extra: Partial<Service> = {}): Service {
  return { name, start: () => void order.push(`start ${name}`), stop: () => void order.push(`stop ${name}`), ...extra };
}

describe('service host', () => {
  it('starts services in order and stops them in reverse', async () => {
    const order: string[] = [];
    const { h } = host([recorder('a', order), recorder('b', order), recorder('c', order)]);
    await h.start();
    await h.stop();
    expect(order).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
    expect(h.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('restarts a service whose start fails, with growing back-off, and starts the ones after it meanwhile', async () => {
    const order: string[] = [];
    let tries = 0;
    const flaky = recorder('flaky', order, {
      start: () => {
        tries++;
        if (tries < 4) throw new Error(`try ${tries}`);
        order.push('start flaky');
      },
    });
    const { h, clock } = host([flaky, recorder('after', order)]);
    await h.start();
    expect(order).toEqual(['stop flaky', 'start after']);
    // Back-off 1 s, 2 s, 4 s: the fourth try, 7 s in, succeeds.
    await clock.advance(999);
    expect(tries).toBe(1);
    await clock.advance(1);
    expect(tries).toBe(2);
    await clock.advance(2000);
    expect(tries).toBe(3);
    await clock.advance(4000);
    expect(tries).toBe(4);
    const status = h.statuses()[0]!;
    expect(status).toMatchObject({ name: 'flaky', state: 'running', failures: 3, restarts: 3, lastError: 'try 3' });
    await h.stop();
  });

  it('restarts a service that reports a failure or whose event listener throws, and drops its old listeners', async () => {
    let ctxOf: ServiceContext | undefined;
    let heard = 0;
    let starts = 0;
    const svc: Service = {
      name: 'listener',
      start: (ctx) => {
        starts++;
        ctxOf = ctx;
        ctx.events.on('readingsFlushed', (e) => {
          heard++;
          if (e.count < 0) throw new Error('negative count');
        });
      },
      stop: () => undefined,
    };
    const { h, clock, events } = host([svc]);
    await h.start();
    events.emit('readingsFlushed', { count: -1, atMs: 0 });
    expect(h.statuses()[0]).toMatchObject({ state: 'failed', failures: 1 });
    // The failed run's listener is gone: nothing is heard until the restart.
    events.emit('readingsFlushed', { count: 1, atMs: 0 });
    expect(heard).toBe(1);
    await clock.advance(1000);
    expect(starts).toBe(2);
    events.emit('readingsFlushed', { count: 1, atMs: 0 });
    expect(heard).toBe(2);
    ctxOf!.serviceFailed!(new Error('connection lost for good'));
    expect(h.statuses()[0]).toMatchObject({ state: 'failed', failures: 2, lastError: 'connection lost for good' });
    await h.stop();
    expect(h.statuses()[0]!.state).toBe('stopped');
  });

  it('stops the other services when one stop throws, and clears timers a service forgot', async () => {
    const order: string[] = [];
    let fired = 0;
    const leaky: Service = {
      name: 'leaky',
      start: (ctx) => void ctx.clock.setInterval(() => fired++, 1000),
      stop: () => {
        throw new Error('stop failed');
      },
    };
    const { h, clock } = host([recorder('first', order), leaky]);
    await h.start();
    await clock.advance(2000);
    expect(fired).toBe(2);
    await h.stop();
    expect(order).toContain('stop first');
    await clock.advance(5000);
    expect(fired).toBe(2);
  });

  it('publishes every service state on the status board', async () => {
    const { h, status } = host([recorder('one', [])]);
    await h.start();
    expect(status.snapshot().services).toEqual([{ name: 'one', state: 'running', failures: 0, restarts: 0, lastError: null, lastErrorMs: null }]);
    await h.stop();
  });

  it('refuses two services with one name', () => {
    expect(() => host([recorder('x', []), recorder('x', [])])).toThrow(/two services named 'x'/);
  });
});
