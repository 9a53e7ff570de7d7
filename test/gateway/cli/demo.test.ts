// `nabo demo` end to end, as a newcomer runs it: private Mosquittos, nabo operator, the
// simulator and one `nabo run` process per building trading over a few simulated hours; the
// summary.json it writes is checked against the conditions and its own schema.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSummary } from '../../../gateway/demo/summary.js';
import { demoProblems } from '../../../gateway/demo/summary-checks.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);

describe('nabo demo (needs mosquitto)', () => {
  it('trades a block for three hours: every interval final on every gateway with one hash, the market not dearer than the grid alone, records at the operator', async () => {
    const out = tempFolder('nabo-demo-out-');
    const data = join(out, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'demo', '--tcp-only', '--blocks', '1', '--buildings', '3', '--from', '10:00', '--hours', '3', '--speed', '120', '--exit', '--out', out, '--data', data, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const logs = (): string => readdirSync(join(data, 'gateways')).map((g) => `${g}: ${readFileSync(join(data, 'gateways', g, 'gateway.log'), 'utf8').slice(-1500)}`).join('\n');
    expect(code, `${stderr}\n${existsSync(join(data, 'gateways')) ? logs() : ''}`).toBe(0);
    const parsed = parseSummary(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    expect(parsed.ok ? 'valid' : parsed.error.detail).toBe('valid');
    if (!parsed.ok) return;
    const s = parsed.value;
    expect(s.intervals).toHaveLength(12);
    expect(demoProblems(s)).toEqual([]);
    for (const i of s.intervals) {
      expect(i.final, i.intervalStart).toBe(true);
      expect(new Set(Object.values(i.hashes)), i.intervalStart).toEqual(new Set([i.resultHash]));
    }
    expect(s.buildings.map((b) => b.id)).toEqual(['b1-h1', 'b1-h2', 'b1-h3']);
    expect(s.district.costMinor).toBeLessThanOrEqual(s.district.costAloneMinor);
    // Something was traded on a June midday, and the operator stored the gateways' records once.
    expect(s.district.tradedWh).toBeGreaterThan(0);
    // The batteries' state of charge as read at both ends of the day (the energy a day leaves to the next).
    const withBattery = s.buildings.filter((b) => b.battery !== undefined);
    expect(withBattery.length).toBeGreaterThan(0);
    for (const b of withBattery) expect([b.battery!.socStartPercent, b.battery!.socEndPercent].every((x) => typeof x === 'number'), b.id).toBe(true);
    expect(s.operator.recordsStored).toBeGreaterThan(0);
    expect(s.operator.refused).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<canvas');
    // stdout is the same summary as the file.
    expect(JSON.parse(stdout).district.costMinor).toBe(s.district.costMinor);
    expect(stderr).toContain('3 gateways trading 2026-06-21 10:00 +3 h');
  }, 420_000);
});
