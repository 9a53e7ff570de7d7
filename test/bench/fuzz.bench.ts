// npm run bench:fuzz [cases] — every decoder of outside bytes fed random and mutated inputs
// (100 000 per decoder by default): none may throw or hang. Each family runs in a worker; a
// case slower than the per-case limit counts as SLOW, and a case that does not return within
// FUZZ_HANG_MS (default 10 s) stops the worker and is reported as a HANG with its decoder and
// case number (replayable: the drivers are seeded). The table says how many decoded, how many
// were rejected and by which kinds, the time per case and the slowest case.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CASE_LIMIT_MS, type FuzzRow } from './fuzz-kit.js';

const cases = Number(process.argv[2] ?? 100_000);
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 10_000);
/** For drivers that do not report each case: the whole family's limit. */
const FAMILY_MS = Number(process.env.FUZZ_FAMILY_MS ?? 600_000);
const rows: FuzzRow[] = [];
const failures: Array<{ family: string; kind: 'THREW' | 'HANG' | 'CRASH'; error: string }> = [];

function runFamily(family: string): Promise<void> {
  const progress = new SharedArrayBuffer(12);
  const view = new Int32Array(progress);
  // The worker registers tsx itself: Node 20 does not pass a --import loader to a worker's entry.
  const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
  // argv[1] names the worker's file, as drivers check it to tell whether they were run directly.
  const boot = `process.argv[1] = ${JSON.stringify(fileURLToPath(entry))}; import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { family, cases, progress } });
  let decoder = '(starting)';
  let lastStarted = -1;
  let lastChange = Date.now();
  return new Promise((resolve) => {
    const watchdog = setInterval(() => {
      const started = Atomics.load(view, 1);
      if (started !== lastStarted) {
        lastStarted = started;
        lastChange = Date.now();
        return;
      }
      // Inside a case the per-case hang limit applies; between cases (building the next
      // decoder's inputs, or a driver that does not report its cases) the family's limit.
      const inCase = Atomics.load(view, 2) === 1;
      const limit = inCase ? HANG_MS : FAMILY_MS;
      if (Date.now() - lastChange > limit) {
        const where = inCase ? `${decoder} case ${Atomics.load(view, 0)}` : `${decoder} (between cases, or a driver that does not report them)`;
        failures.push({ family, kind: 'HANG', error: `${where} has not returned for ${limit} ms` });
        clearInterval(watchdog);
        void worker.terminate().then(() => resolve());
      }
    }, 100);
    worker.on('message', (m: { type: string; name?: string; rows?: FuzzRow[]; error?: string }) => {
      if (m.type === 'decoder') decoder = m.name as string;
      else if (m.type === 'rows') rows.push(...(m.rows as FuzzRow[]));
      else if (m.type === 'threw') failures.push({ family, kind: 'THREW', error: m.error as string });
    });
    worker.on('error', (err) => failures.push({ family, kind: 'CRASH', error: err.stack ?? String(err) }));
    worker.on('exit', () => {
      clearInterval(watchdog);
      resolve();
    });
  });
}

const families = (process.env.FUZZ_FAMILIES ?? 'han,text,modbus,sunspec,devices').split(',');
for (const family of families) await runFamily(family);

const header = ['decoder', 'cases', 'decoded', 'rejected', 'µs/case', 'slowest ms', 'top rejection kinds'];
const cells = rows.map((r) => [
  r.decoder,
  String(r.cases),
  String(r.decoded),
  String(r.rejected),
  ((r.ms * 1000) / r.cases).toFixed(1),
  String(r.slowestMs ?? ''),
  Object.entries(r.byKind)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${n}`)
    .join(', '),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
console.log(header.map((h, i) => h.padEnd(widths[i] ?? 0)).join('  '));
for (const c of cells) console.log(c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  '));
const threw = rows.filter((r) => (r.byKind.THREW ?? 0) > 0);
const slow = rows.filter((r) => (r.byKind.SLOW ?? 0) > 0);
for (const r of threw) console.log(`THREW in ${r.decoder}: ${r.byKind.THREW} cases`);
for (const r of slow) console.log(`SLOW in ${r.decoder}: ${r.byKind.SLOW} cases over ${CASE_LIMIT_MS} ms (first: ${r.slowCases?.join(', ')})`);
for (const f of failures) console.log(`${f.kind} in ${f.family}: ${f.error}`);
console.log(JSON.stringify({ bench: 'fuzz', casesPerDecoder: cases, caseLimitMs: CASE_LIMIT_MS, hangMs: HANG_MS, rows, failures }));
process.exit(failures.length > 0 || threw.length > 0 ? 1 : 0);
