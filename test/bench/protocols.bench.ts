// Read-planner benchmark on RTU 9600 8N1: planned line time against one request per value, for
// an SDM630 full read, a SunSpec inverter (models 1, 103, 160) and storage (124, 802); then the
// planner against exhaustive search on small random cases (must agree exactly). Table, then JSON.
import { findDefinition, SUNSPEC_DEFINITION } from '../../protocols/devices/index.js';
import { sunspecChainDefinition } from '../../protocols/devices/sunspec.js';
import { requestCost, rtuLine, type LineModel } from '../../protocols/modbus/line-time.js';
import { onePerRegisterLineTimeMs, planSpans, spansFor, type Span } from '../../protocols/modbus/planner.js';
import type { DeviceLimits, ForbiddenRange } from '../../protocols/modbus/registers.js';
import { bruteForceOptimumMs } from '../protocols/modbus/brute-force.js';

const TURNAROUND_MS = 10;
const LINE: LineModel = rtuLine(9600, '8N1', TURNAROUND_MS);
const SUNSPEC_BASE = 40000;

/** A SunSpec chain laid out from 40002 (after 'SunS') as discovery finds it, read point by point. */
function sunspecSpans(chain: Array<{ id: number; repeats?: number }>): Span[] {
  let address = SUNSPEC_BASE + 2;
  const refs = chain.map(({ id, repeats = 0 }) => {
    const m = SUNSPEC_DEFINITION.supportedModels.find((x) => x.id === id);
    if (!m) throw new Error(`SunSpec model ${id} is not supported by protocols/devices/sunspec.ts`);
    const ref = { id, address, length: m.length + (m.repeating ? m.repeating.length * repeats : 0) };
    address += 2 + ref.length;
    return ref;
  });
  return spansFor(sunspecChainDefinition(refs), { groups: ['fast', 'slow', 'identity'] });
}

interface Row {
  scenario: string;
  values: number;
  registersNeeded: number;
  plannedRequests: number;
  plannedRegisters: number;
  plannedMs: number;
  onePerValueMs: number;
  saving: string;
  planComputeMs: number;
}

const SUNSPEC_LIMITS: DeviceLimits = { maxRegistersPerRequest: 125, forbidden: [] };

function scenario(name: string, spans: Span[], limits: DeviceLimits): Row {
  let plan = planSpans(spans, limits, LINE);
  for (let i = 0; i < 3; i++) plan = planSpans(spans, limits, LINE); // warm-up
  const runs = 20;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) plan = planSpans(spans, limits, LINE);
  const computeMs = (performance.now() - t0) / runs;
  if (!plan.ok) throw new Error(`${name}: ${plan.error.detail}`);
  const naive = onePerRegisterLineTimeMs(spans, LINE);
  return {
    scenario: name,
    values: spans.length,
    registersNeeded: plan.value.wordsNeeded,
    plannedRequests: plan.value.requests.length,
    plannedRegisters: plan.value.wordsRead,
    plannedMs: round(plan.value.predictedLineTimeMs),
    onePerValueMs: round(naive),
    saving: `${Math.round((1 - plan.value.predictedLineTimeMs / naive) * 100)}%`,
    planComputeMs: round(computeMs, 3),
  };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Small random cases (seeded) compared with exhaustive search, exactly. */
function bruteForceCheck(cases: number): { cases: number; equal: number; maxDiffMs: number; plannerBetterThanOptimum: number } {
  let s = 12345;
  const next = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  let equal = 0;
  let better = 0;
  let maxDiff = 0;
  for (let c = 0; c < cases; c++) {
    const max = 2 + next(7);
    const addr = { 3: 0, 4: 0 };
    const spans: Span[] = Array.from({ length: 1 + next(7) }, () => {
      const fc = next(2) ? 3 : 4;
      const address = addr[fc] + next(7);
      const words = Math.min(1 + next(4), max);
      addr[fc] = address + words;
      return { functionCode: fc, address, words };
    });
    const forbidden: ForbiddenRange[] = [];
    if (next(2)) {
      const start = next(40);
      const f = { functionCode: (next(2) ? 3 : 4) as 3 | 4, start, end: start + 1 + next(3) };
      if (!spans.some((x) => x.functionCode === f.functionCode && x.address < f.end && x.address + x.words > f.start)) forbidden.push(f);
    }
    const line = rtuLine([1200, 9600, 19200, 115200][next(4)]!, next(2) ? '8N1' : '8E1', next(30));
    const limits = { maxRegistersPerRequest: max, forbidden };
    const plan = planSpans(spans, limits, line);
    if (!plan.ok) throw new Error(plan.error.detail);
    const optimum = bruteForceOptimumMs(spans, limits, line);
    const diff = plan.value.predictedLineTimeMs - optimum;
    if (diff === 0) equal++;
    if (diff < 0) better++;
    maxDiff = Math.max(maxDiff, Math.abs(diff));
  }
  return { cases, equal, maxDiffMs: maxDiff, plannerBetterThanOptimum: better };
}

function main(): void {
  const sdm630 = findDefinition('eastron-sdm630')!;
  const em24 = findDefinition('carlo-gavazzi-em24')!;
  const all = ['fast', 'slow', 'identity'] as const;
  const inverter = sunspecSpans([{ id: 1 }, { id: 103 }, { id: 160, repeats: 2 }]);
  const storage124 = sunspecSpans([{ id: 1 }, { id: 124 }]);
  const storage802 = sunspecSpans([{ id: 1 }, { id: 802 }]);
  const hybrid = sunspecSpans([{ id: 1 }, { id: 103 }, { id: 160, repeats: 2 }, { id: 124 }, { id: 802 }]);
  const rows: Row[] = [
    scenario('sdm630 full read', spansFor(sdm630, { groups: all }), sdm630.limits),
    scenario('sdm630 fast group', spansFor(sdm630, { groups: ['fast'] }), sdm630.limits),
    scenario('em24 full read (11/request)', spansFor(em24, { groups: all }), em24.limits),
    scenario('sunspec inverter 1+103+160(2)', inverter, SUNSPEC_LIMITS),
    scenario('sunspec storage 1+124', storage124, SUNSPEC_LIMITS),
    scenario('sunspec storage 1+802', storage802, SUNSPEC_LIMITS),
    scenario('sunspec hybrid 1+103+160+124+802', hybrid, SUNSPEC_LIMITS),
  ];
  const cost = requestCost(LINE);
  const check = bruteForceCheck(2000);

  const header = ['scenario', 'values', 'regs needed', 'requests', 'regs read', 'planned ms', '1/value ms', 'saving', 'plan µs'];
  const table = rows.map((r) => [r.scenario, r.values, r.registersNeeded, r.plannedRequests, r.plannedRegisters, r.plannedMs, r.onePerValueMs, r.saving, round(r.planComputeMs * 1000, 0)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`Read planner, RTU 9600 8N1, device turnaround ${TURNAROUND_MS} ms: ${round(cost.perRequestMs, 2)} ms per request + ${round(cost.perRegisterMs, 3)} ms per register`);
  console.log(fmt(header));
  for (const t of table) console.log(fmt(t));
  console.log(
    `planner vs exhaustive search on ${check.cases} small random cases: ${check.equal} equal, max |diff| ${check.maxDiffMs} ms, ${check.plannerBetterThanOptimum} below the optimum (must be 0)`,
  );
  console.log(JSON.stringify({ line: { ...LINE, perRequestMs: cost.perRequestMs, perRegisterMs: cost.perRegisterMs }, scenarios: rows, bruteForce: check }));
  if (check.equal !== check.cases) process.exitCode = 1;
}

main();
