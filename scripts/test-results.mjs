// Counts a vitest JSON report for scripts/test-all.mjs. A file whose run failed and that has
// skipped tests skipped them because a hook failed (a `beforeAll` that found a tool missing):
// those tests could not run and count as failed, not as skipped.

/**
 * @param {{ testResults?: Array<{ name?: string; status?: string; assertionResults?: Array<{ status?: string; fullName?: string; title?: string }> }> }} report
 * @returns {{ passed: number; failed: number; skipped: number; couldNotRun: string[] }}
 */
export function countResults(report) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const couldNotRun = [];
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    // A file that failed to load counts as a failure even though it ran no test.
    if (file.status === 'failed' && tests.length === 0) {
      failed++;
      couldNotRun.push(file.name ?? '(a test file)');
    }
    const fileFailed = file.status === 'failed';
    for (const t of tests) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
      else if (fileFailed && (t.status === 'skipped' || t.status === 'pending')) {
        failed++;
        couldNotRun.push(t.fullName ?? t.title ?? '(a test)');
      } else skipped++;
    }
  }
  return { passed, failed, skipped, couldNotRun };
}
