// Runs the whole vitest suite and ends with the plain line CI reads: `N passed, N failed`.
// A test that could not run (a file that failed to load, a test skipped because its setup
// failed, e.g. a tool it needs is missing) counts as failed; tests skipped on purpose are
// reported after that line and never counted as passed. The run gets a private TMPDIR, and
// whatever a test leaves behind in it is named and counted as a failure. Two phases: the main
// suite (files in parallel), then test/solo/ (vitest.solo.config.ts), one file at a time with
// the machine to itself.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countResults } from './test-results.mjs';

const work = mkdtempSync(join(tmpdir(), 'nabo-test-'));
const testTmp = mkdtempSync(join(tmpdir(), 'nabo-test-tmp-'));
// Traversable by other users (not listable): tests run PostgreSQL as the postgres user in folders inside it.
chmodSync(testTmp, 0o711);

const counts = { passed: 0, failed: 0, skipped: 0 };
/** One vitest run (the main suite, then the tests that need the machine to themselves), counted. */
function phase(name, configArgs) {
  const out = join(work, `${name}.json`);
  const args = ['vitest', 'run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
  const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TMPDIR: testTmp } });
  let c = { passed: 0, failed: 0, skipped: 0, couldNotRun: [] };
  if (existsSync(out)) c = countResults(JSON.parse(readFileSync(out, 'utf8')));
  else {
    c.failed++;
    console.error(`test-all: vitest (${name}) wrote no report`);
  }
  for (const t of c.couldNotRun) console.error(`test-all: could not run (counted as failed): ${t}`);
  if (run.status !== 0 && c.failed === 0) {
    c.failed++;
    console.error(`test-all: vitest (${name}) exited ${run.status} without a failed test (an error outside tests)`);
  }
  if (c.passed === 0 && c.failed === 0) {
    c.failed++;
    console.error(`test-all: no test ran in ${name}`);
  }
  counts.passed += c.passed;
  counts.failed += c.failed;
  counts.skipped += c.skipped;
}
phase('main', []);
// Extra arguments narrow the main suite (e.g. one folder); the solo phase runs only on a full run.
if (process.argv.length <= 2) phase('solo', ['--config', 'vitest.solo.config.ts']);

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
