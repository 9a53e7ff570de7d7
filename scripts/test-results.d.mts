// Types of scripts/test-results.mjs for the tests that import it.
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
  couldNotRun: string[];
}
export function countResults(report: {
  testResults?: Array<{ name?: string; status?: string; assertionResults?: Array<{ status?: string; fullName?: string; title?: string }> }>;
}): TestCounts;
