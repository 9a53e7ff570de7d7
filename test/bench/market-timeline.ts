// Where a block's latency goes after gate closure: N gateways (default 102) in one process on a
// real Mosquitto, as bench:market's "after" row; for each gateway the real ms from the clock
// reaching G + skew to its snapshot (verified), its vote (sent), and its final, as quantiles.
// Not a benchmark: a tool for seeing which phase the time is spent in.
//   npx tsx test/bench/market-timeline.ts [gateways] [intervals]
import { MarketBlock } from '../gateway/market/market-block.js';
import { district } from '../gateway/market/market-fixtures.js';

const n = Number(process.argv[2] ?? 102);
const intervals = Number(process.argv[3] ?? 3);
const PARAMS = { gateClosureLeadMs: 60_000, coordinatorTimeoutMs: 10_000, snapshotWindowMs: 300, clockSkewMs: 2000, finalityTimeoutMs: 120_000 };
const T0 = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 3, buildings: Math.ceil(n / 3), parameters: PARAMS });
const block = new MarketBlock(d, T0 - 120_000, 1);
const q = (xs: number[], p: number): number => Math.round([...xs].sort((a, b) => a - b)[Math.max(0, Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1))]!);
try {
  await block.start(d.gatewayIds, new Map(), 120_000);
  const all = [...block.gateways.values()];
  for (let k = 0; k <= intervals; k++) {
    const T = T0 + k * block.intervalMs;
    const gate = block.gate(T);
    await block.clock.advanceTo(gate - 30_000);
    await block.until(() => all.every((g) => g.service.ordersHeld(T) === all.length), 'orders held', 60_000);
    await block.clock.advanceTo(gate + PARAMS.clockSkewMs - 20);
    const at = { snapshot: all.map(() => NaN), vote: all.map(() => NaN), final: all.map(() => NaN) };
    const offs = all.map((g, i) =>
      g.service.onUpdate(() => {
        const r = g.service.round(T);
        const now = performance.now();
        if (Number.isNaN(at.snapshot[i]!) && (r?.snapshots.size ?? 0) > 0) at.snapshot[i] = now;
        if (Number.isNaN(at.vote[i]!) && r?.voted) at.vote[i] = now;
        if (Number.isNaN(at.final[i]!) && r?.status === 'final') at.final[i] = now;
      }),
    );
    block.clock.start();
    const t0 = performance.now() + 20;
    await block.until(() => all.every((g) => g.service.round(T)?.status === 'final'), 'final', 150_000);
    block.clock.stop();
    for (const off of offs) off();
    const line = (name: keyof typeof at): string => `${name} p0 ${q(at[name].map((x) => x - t0), 0)} p50 ${q(at[name].map((x) => x - t0), 0.5)} p99 ${q(at[name].map((x) => x - t0), 0.99)}`;
    console.log(`interval ${k}${k === 0 ? ' (warm-up)' : ''}: ${line('snapshot')} | ${line('vote')} | ${line('final')}`);
  }
} finally {
  block.clock.stop();
  await block.dispose();
}
