import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('nabo demo', () => {
  it('runs a simulated block with one gateway per building and reports what they read', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'demo', '--tcp-only', '--buildings', '2', '--speed', '120', '--minutes', '150', '--every', '15', '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { at: string; buildings: Array<Record<string, number | string | null>> });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const last = lines[lines.length - 1]!;
    expect(last.buildings.map((b) => b.building)).toEqual(['b1-h1', 'b1-h2']);
    for (const b of last.buildings) {
      expect(b.gridPowerW).not.toBeNull();
      expect(b.importWhTrue).not.toBeNull();
    }
    // Each gateway turned its meter's counters into at least one interval's energy (a slow
    // machine at this speed may leave some intervals as gaps, which the demo shows as such; 120x
    // over 150 minutes (10 intervals) leaves room for a CI machine busy with other suites).
    for (const id of ['b1-h1', 'b1-h2']) {
      const read = lines.flatMap((l) => l.buildings.filter((b) => b.building === id && b.importWhRead !== null));
      expect(read.length, id).toBeGreaterThan(0);
    }
    expect(stderr).toContain('2 buildings simulated and read by 2 gateways');
  }, 240_000);
});
