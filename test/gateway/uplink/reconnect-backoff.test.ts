import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimerHandle } from '../../../core/clock.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { UplinkService } from '../../../gateway/uplink/uplink-service.js';
import { freePort } from '../../free-port.js';
import { DAY_START_MS, gateways, quietLog, tempDir, uplinkConfig, type TestGateway } from '../../helpers/uplink-fixture.js';

/** A simulated clock that remembers the delay of every one-shot timer. */
class RecordingClock extends SimulatedClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, delayMs: number): TimerHandle {
    this.delays.push(delayMs);
    return super.setTimeout(fn, delayMs);
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('uplink reconnect back-off', () => {
  it('spreads a fleet reconnecting to a dead broker over the window and backs off exponentially to the cap', async () => {
    const port = await freePort(); // nothing listens here
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fleet = gateways(20);
    const clocks: RecordingClock[] = [];
    for (const g of fleet as TestGateway[]) {
      const store = Store.open(join(dir, `${g.id}.db`));
      const io = new RecordingClock({ startMs: DAY_START_MS });
      clocks.push(io);
      const uplink = new UplinkService({ config: uplinkConfig(`mqtt://127.0.0.1:${port}`, { reconnectMinMs: 1_000, reconnectMaxMs: 16_000 }), gatewayId: g.id, ioClock: io, pollMs: 60_000 });
      uplink.start({ clock: new SimulatedClock({ startMs: DAY_START_MS }), store, status: new StatusBoard(), log: quietLog });
      cleanups.push(async () => {
        await uplink.stop();
        store.close();
      });
    }
    // Each failed connect schedules the next; step the clocks through eight failures each.
    for (let attempt = 0; attempt < 8; attempt++) {
      await Promise.all(
        clocks.map(async (c) => {
          // The refused TCP connect is real I/O: wait (bounded) until it has scheduled retry number `attempt`.
          const deadline = Date.now() + 10_000;
          while (c.delays.length <= attempt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
          expect(c.delays.length, 'a retry was scheduled').toBe(attempt + 1);
          await c.advance(c.delays[attempt] ?? 0);
        }),
      );
    }
    const firsts = clocks.map((c) => c.delays[0] ?? -1);
    // Full jitter: first waits spread over [0, 1 s], not all at once.
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...firsts)).toBeLessThanOrEqual(1_000);
    expect(new Set(firsts).size).toBeGreaterThan(10);
    // Exponential growth up to the cap: the eighth wait is drawn from [0, 16 s], and on average
    // far above the first.
    const eighths = clocks.map((c) => c.delays[7] ?? -1);
    expect(Math.max(...eighths)).toBeLessThanOrEqual(16_000);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(eighths)).toBeGreaterThan(4 * mean(firsts));
  });
});
