import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';
import { PushWatchdog } from '../../../gateway/acquisition/push-watchdog.js';
import { createLogger } from '../../../gateway/log/logger.js';

describe('push meter watchdog', () => {
  it('counts every minute without a frame as a silent error, logs once, and notices frames again', async () => {
    const clock = new SimulatedClock({ startMs: Date.UTC(2026, 0, 1) });
    const health = new HealthRegistry();
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (d: Buffer) => (logged += d.toString()));
    const dog = new PushWatchdog(clock, health, createLogger({ pretty: false, destination: stream, level: 'info' }), [{ deviceId: 'ams', busId: 'han' }], { silentAfterMs: 60_000 });
    dog.start();
    // Frames every 10 s for two minutes: never silent.
    for (let t = 0; t < 120_000; t += 10_000) {
      await clock.advance(10_000);
      health.recordSuccess('ams', 'han', clock.now(), 0);
    }
    expect(health.device('ams', 'han').errorsByKind).toEqual({});
    // Three minutes of silence: three checks, three silent errors, one warning.
    await clock.advance(180_000);
    expect(health.device('ams', 'han').errorsByKind).toEqual({ silent: 3 });
    expect(logged.match(/meter silent/g)).toHaveLength(1);
    await clock.advance(5_000);
    health.recordSuccess('ams', 'han', clock.now(), 0);
    await clock.advance(55_000);
    expect(health.device('ams', 'han').errorsByKind).toEqual({ silent: 3 });
    expect(logged).toContain('meter pushing frames again');
    dog.stop();
  });
});
