// The fuzz bench reports a decoder that never returns as a HANG, with the case it is stuck on,
// instead of hanging itself (a self-test decoder that loops forever on its third case).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('fuzz bench watchdog', () => {
  it('stops a family whose case does not return and names the decoder and the case', () => {
    const bench = fileURLToPath(new URL('../bench/fuzz.bench.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const r = spawnSync(tsx, [bench, '10'], { env: { ...process.env, FUZZ_FAMILIES: 'selftest-hang', FUZZ_HANG_MS: '800' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('HANG in selftest-hang: selftest-hang case 2 has not returned for 800 ms');
  }, 60_000);
});
