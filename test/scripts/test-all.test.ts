// The closing line CI reads: `N passed, N failed`, exactly, with tests that could not run (a
// tool missing) among the failed, tests skipped on purpose reported after it, and leftovers in
// the run's private TMPDIR counted as a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countResults } from '../../scripts/test-results.mjs';

describe('scripts/test-all.mjs', () => {
  it('counts tests that could not run as failed, reports skips after the closing line and names what a run left in TMPDIR', () => {
    // Its own TMPDIR, so the check that the script cleans up after itself sees only this run.
    const tmp = mkdtempSync(join(tmpdir(), 'nabo-test-all-'));
    try {
      const run = spawnSync(process.execPath, ['scripts/test-all.mjs', '--config', 'test/fixtures/test-all/vitest.config.ts'], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp }, timeout: 60_000 });
      const lines = run.stdout.trim().split('\n');
      expect(lines.slice(-2), run.stdout + run.stderr).toEqual(['2 passed, 3 failed', '1 skipped']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('could not run (counted as failed): needs a tool that is not installed would read a device');
      expect(run.stderr).toMatch(/tests left 1 entry in their temp folder: nabo-left-behind-/);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('counts a file that failed to load once, and nothing as passed that did not pass', () => {
    const counts = countResults({
      testResults: [
        { name: 'a.test.ts', status: 'failed', assertionResults: [] },
        { name: 'b.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }, { status: 'skipped' }, { status: 'todo' }] },
        { name: 'c.test.ts', status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] },
      ],
    });
    expect(counts).toMatchObject({ passed: 2, failed: 2, skipped: 2 });
  });
});
