import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from './run-cli.js';

const SAMPLE = 'docs/examples/demo-summary.json';
afterAll(removeTempFolders);

describe('nabo demo-report', () => {
  it('reads a sample that is the test fixture itself (one generator makes both)', () => {
    expect(readFileSync(SAMPLE, 'utf8')).toBe(readFileSync(join('test', 'fixtures', 'demo', 'summary.json'), 'utf8'));
  });

  it('prints the building and block tables of a summary', async () => {
    const r = await runCli(['demo-report', SAMPLE, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2026-06-21 \(Europe\/Oslo\), market trondheim-demo: 4 intervals, 3 final on every gateway/);
    expect(r.stdout).toMatch(/^district\s+\S+\s+\S+\s+\d+ %/m);
    expect(r.stdout).toMatch(/^lade\s+lade-1, lade-2, lade-3, lade-4\s+0\.7\s+36–37$/m);
  });

  it('writes report.html with --out and answers JSON without the series', async () => {
    const dir = join(tempFolder('nabo-demo-report-'), 'out');
    const r = await runCli(['demo-report', SAMPLE, '--out', dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as { report: string; intervals: { count: number; final: number }; buildings: Array<Record<string, unknown>>; district: { costMinor: number } };
    expect(answer.report).toBe(join(dir, 'report.html'));
    expect(answer.intervals).toEqual({ count: 4, final: 3 });
    expect(answer.buildings).toHaveLength(10);
    expect(answer.buildings[0]).not.toHaveProperty('series');
    const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { district: { costMinor: number } };
    expect(answer.district.costMinor).toBe(sample.district.costMinor);
    expect(existsSync(answer.report)).toBe(true);
    expect(readFileSync(answer.report, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<canvas id="flows-chart"/);
  });

  it('exits 2 naming the field when the file is not a valid summary, and when it is missing', async () => {
    const dir = tempFolder('nabo-demo-report-');
    const bad = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { buildings: Array<{ pvWh: number }> };
    bad.buildings[2]!.pvWh += 5;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const r = await runCli(['demo-report', join(dir, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a demo summary: buildings\[2\]\.pvWh: /);
    const missing = await runCli(['demo-report', join(dir, 'nothing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nothing\.json: ENOENT/);
    writeFileSync(join(dir, 'text.json'), 'not json');
    expect((await runCli(['demo-report', join(dir, 'text.json')])).code).toBe(2);
  });
});
