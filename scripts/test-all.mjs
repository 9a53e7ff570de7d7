// Runs the whole vitest suite and ends with the plain line CI reads: `N passed, N failed`.
// Skipped or todo tests are reported after it and never counted as passed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(mkdtempSync(join(tmpdir(), 'nabo-test-')), 'results.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  for (const file of report.testResults ?? []) {
    // A file that failed to load counts as a failure even though it ran no test.
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
      else skipped++;
    }
  }
} else {
  failed++;
  console.error('test-all: vitest wrote no report');
}
if (run.status !== 0 && failed === 0) {
  failed++;
  console.error(`test-all: vitest exited ${run.status} without a failed test (an error outside tests)`);
}
if (passed === 0 && failed === 0) {
  failed++;
  console.error('test-all: no test ran');
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
