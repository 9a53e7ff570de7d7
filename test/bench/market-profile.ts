// Where a block's time goes after gate closure: N gateways (default 102) in one process on a real
// Mosquitto, as bench:market's "after" row, with the V8 CPU profiler running only from the clock
// reaching G + skew to the last gateway's final. Prints self time by function and by source file
// (top entries) and writes the .cpuprofile for Chrome DevTools. Not a benchmark: a tool for
// finding what to make faster.
//   npx tsx test/bench/market-profile.ts [gateways] [out.cpuprofile]
// Environment: MARKET_PROFILE_BASELINE=1 profiles the "before" row (measurement switch).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { MarketBlock } from '../gateway/market/market-block.js';
import { district } from '../gateway/market/market-fixtures.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const n = Number(process.argv[2] ?? 102);
const out = process.argv[3] ?? `/tmp/market-${n}.cpuprofile`;
const PARAMS = { gateClosureLeadMs: 60_000, coordinatorTimeoutMs: 10_000, snapshotWindowMs: 300, clockSkewMs: 2000, finalityTimeoutMs: 120_000 };
const T0 = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 3, buildings: Math.ceil(n / 3), parameters: PARAMS });
const block = new MarketBlock(d, T0 - 120_000, 1, process.env.MARKET_PROFILE_BASELINE ? { baseline: true } : {});
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
let profile: Profile | undefined;
try {
  await block.start(d.gatewayIds, new Map(), 120_000);
  const all = [...block.gateways.values()];
  // Interval 0 warms up; interval 1 is profiled.
  for (let k = 0; k <= 1; k++) {
    const T = T0 + k * block.intervalMs;
    const gate = block.gate(T);
    await block.clock.advanceTo(gate - 30_000);
    await block.until(() => all.every((g) => g.service.ordersHeld(T) === all.length), 'orders held', 60_000);
    await block.clock.advanceTo(gate + PARAMS.clockSkewMs - 20);
    if (k === 1) await session.post('Profiler.start');
    const t0 = performance.now();
    block.clock.start();
    await block.until(() => all.every((g) => g.service.round(T)?.status === 'final'), 'final', 150_000);
    block.clock.stop();
    process.stderr.write(`interval ${k}: last final ${Math.round(performance.now() - t0 - 20)} ms after G + skew\n`);
    if (k === 1) profile = (await session.post('Profiler.stop')).profile as unknown as Profile;
  }
} finally {
  block.clock.stop();
  await block.dispose();
}
writeFileSync(out, JSON.stringify(profile));

const p = profile!;
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const selfUs = new Map<number, number>();
p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((s, x) => s + x, 0);
const sum = (key: (node: ProfileNode) => string): Array<[string, number]> => {
  const m = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const k = key(byId.get(id)!);
    m.set(k, (m.get(k) ?? 0) + us);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
};
const short = (url: string): string => url.replace(/^file:\/\/.*?\/(node_modules|gateway|core|edge-solver|test)\//, '$1/') || '(native)';
const show = (title: string, rows: Array<[string, number]>): void => {
  console.log(`\n${title} (of ${Math.round(total / 1000)} ms sampled)`);
  for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show('self time by function', sum((x) => `${x.callFrame.functionName || '(anonymous)'} ${short(x.callFrame.url)}:${x.callFrame.lineNumber + 1}`));
show('self time by file', sum((x) => short(x.callFrame.url)));
console.log(`\nprofile written to ${out}`);
