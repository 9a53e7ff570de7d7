// Runs the whole vitest suite and ends with the plain line CI reads: `N passed, N failed`.
// A test that could not run (a file that failed to load, a test skipped because its setup
// failed, e.g. a tool it needs is missing) counts as failed; tests skipped on purpose are
// reported after that line and never counted as passed. The run gets a private TMPDIR, and
// whatever a test leaves behind in it is named and counted as a failure.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countResults } from './test-results.mjs';

const work = mkdtempSync(join(tmpdir(), 'nabo-test-'));
const out = join(work, 'results.json');
const testTmp = mkdtempSync(join(tmpdir(), 'nabo-test-tmp-'));
// Traversable by other users (not listable): tests run PostgreSQL as the postgres user in folders inside it.
chmodSync(testTmp, 0o711);
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TMPDIR: testTmp } });

let counts = { passed: 0, failed: 0, skipped: 0, couldNotRun: [] };
if (existsSync(out)) counts = countResults(JSON.parse(readFileSync(out, 'utf8')));
else {
  counts.failed++;
  console.error('test-all: vitest wrote no report');
}
for (const t of counts.couldNotRun) console.error(`test-all: could not run (counted as failed): ${t}`);
if (run.status !== 0 && counts.failed === 0) {
  counts.failed++;
  console.error(`test-all: vitest exited ${run.status} without a failed test (an error outside tests)`);
}
if (counts.passed === 0 && counts.failed === 0) {
  counts.failed++;
  console.error('test-all: no test ran');
}
// tsx keeps its compile cache there (tsx-<uid>): a cache, not something a test forgot.
const left = readdirSync(testTmp).filter((name) => !/^tsx-\d+$/.test(name));
if (left.length > 0) {
  counts.failed++;
  console.error(`test-all: tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temp folder: ${left.join(', ')}`);
}
rmSync(testTmp, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
console.log(`${counts.passed} passed, ${counts.failed} failed`);
if (counts.skipped) console.log(`${counts.skipped} skipped`);
process.exit(counts.failed > 0 ? 1 : 0);
