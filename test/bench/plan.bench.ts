// `npm run bench:plan`: what the day-ahead plan costs a gateway. For districts of 3 blocks × k
// buildings (96 quarter hours), the time to verify a snapshot and solve the community plan (the
// LP and the tie-break pass) on HiGHS and glpk.js, the CPU it takes (the event loop is blocked
// that long: the solvers run synchronously), and whether both backends give the same plan hash.
// Prints a table, then one JSON line.
import { cpus, loadavg } from 'node:os';
import { cpuUsage } from 'node:process';
import { signPlanSnapshot } from '../../gateway/plan/plan-messages.js';
import { planCoordinatorFor, solveSnapshot, verifyPlanSnapshot } from '../../gateway/plan/plan-snapshot.js';
import { district } from '../gateway/market/market-fixtures.js';
import { forecastPayload, signedForecast } from '../gateway/plan/plan-fixtures.js';

const P = Date.UTC(2026, 5, 1, 22, 0);
const SIZES = (process.env.PLAN_BENCH_SIZES ?? '2,10').split(',').map(Number);
const BACKENDS = ['highs', 'glpk'] as const;

interface Row {
  buildings: number;
  backend: string;
  verifyMs: number;
  solveMs: number;
  solveCpuMs: number;
  planHash: string;
  sameAsHighs: boolean;
}

async function measure(perBlock: number, backend: (typeof BACKENDS)[number]): Promise<Omit<Row, 'sameAsHighs'>> {
  const d = district({ blocks: 3, buildings: perBlock, parameters: { dayAhead: { solverBackend: backend } } });
  // A snapshot holds the forecasts sorted by gateway id (b1-h10 before b1-h2).
  const forecasts = [...d.gatewayIds].sort().map((g) => signedForecast(d.identities.get(g)!, forecastPayload(d.roster.marketId, g, P, 96, P - 36_000_000)));
  const c = planCoordinatorFor(d.roster, P, 0)!;
  const env = signPlanSnapshot({ marketId: d.roster.marketId, planStart: new Date(P).toISOString(), steps: 96, rosterVersion: 1, attempt: 0, coordinator: c.gatewayId, forecasts, prices: null }, d.identities.get(c.gatewayId)!.seed);
  const t0 = performance.now();
  const v = verifyPlanSnapshot(env, d.roster);
  const verifyMs = performance.now() - t0;
  if (!v.ok) throw new Error(v.error.detail);
  const cpu0 = cpuUsage();
  const t1 = performance.now();
  const solved = await solveSnapshot(v.value, d.roster);
  const solveMs = performance.now() - t1;
  const cpu = cpuUsage(cpu0);
  if (!solved.plan) throw new Error(`unplannable: ${solved.failure}`);
  return { buildings: d.gatewayIds.length, backend, verifyMs, solveMs, solveCpuMs: (cpu.user + cpu.system) / 1000, planHash: solved.planHash };
}

async function main(): Promise<void> {
  // Load the WebAssembly of both backends before timing.
  for (const b of BACKENDS) await measure(1, b);
  const rows: Row[] = [];
  for (const k of SIZES) {
    const highs = await measure(k, 'highs');
    rows.push({ ...highs, sameAsHighs: true });
    const glpk = await measure(k, 'glpk');
    rows.push({ ...glpk, sameAsHighs: glpk.planHash === highs.planHash });
  }
  const fmt = (x: number): string => x.toFixed(0);
  const headers = ['buildings', 'backend', 'verify ms', 'solve ms', 'solve cpu ms', 'plan hash', 'same as HiGHS'];
  const cells = rows.map((r) => [String(r.buildings), r.backend, fmt(r.verifyMs), fmt(r.solveMs), fmt(r.solveCpuMs), `${r.planHash.slice(0, 16)}…`, r.sameAsHighs ? 'yes' : 'NO']);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (cs: string[]): string => cs.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
  console.log(JSON.stringify({ bench: 'plan', node: process.version, loadAverage: loadavg(), cpus: cpus().length, steps: 96, rows }));
}

await main();
