// What the block market's Mosquitto tests share: the roster timing shortened for tests, an
// interval at 10:00 with the clock starting two minutes before it, and every block made by a
// test disposed after it. (market-block.ts stays free of vitest: the benches import it.)
import { afterEach } from 'vitest';
import { MarketBlock } from './market-block.js';
import type { District } from './market-fixtures.js';

export const PARAMS = { gateClosureLeadMs: 60_000, coordinatorTimeoutMs: 5000, snapshotWindowMs: 300, clockSkewMs: 2000, finalityTimeoutMs: 30_000 };
export const T0 = Date.UTC(2026, 5, 1, 10, 0);
export const START = T0 - 60_000 - 60_000;

/** Registers an afterEach that disposes the blocks the returned function makes. */
export function blocksDisposedAfterEach(): (d: District, startMs?: number) => MarketBlock {
  const made: MarketBlock[] = [];
  afterEach(async () => {
    for (const b of made.splice(0)) await b.dispose();
  });
  return (d, startMs = START) => {
    const b = new MarketBlock(d, startMs);
    made.push(b);
    return b;
  };
}
