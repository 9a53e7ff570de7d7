// `nabo demo --no-control` and `--value` on the command line: documented in --help with an
// example, and the one combination that makes no sense refused as a usage error before anything starts.
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('nabo demo --no-control and --value', () => {
  it('--help lists both options and an example of --value', async () => {
    const r = await runCli(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--no-control\s+read the batteries but never steer them/);
    expect(r.stdout).toMatch(/--value\s+first run the same day without control/);
    expect(r.stdout).toContain('$ nabo demo --speed max --exit --tcp-only --value --out /tmp/value-day');
    // The first call loads the whole program: seconds on a busy machine.
  }, 120_000);

  it('refuses --value with --no-control as a usage error (exit 2)', async () => {
    const r = await runCli(['demo', '--value', '--no-control', '--exit', '--tcp-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--value compares a day without control with one with control: leave out --no-control/);
  }, 120_000);
});
