import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../../temp-folders.js';
import { runCli } from '../run-cli.js';
import { dumpWords, loadDumps } from '../../../protocols/sunspec/fixture-dumps.js';

afterAll(removeTempFolders);

const dir = tempFolder('nabo-sunspec-cli-');

const run = (args: string[]) => runCli(['decode', 'sunspec', ...args]);

function writeDump(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('nabo decode sunspec', () => {
  const veris = loadDumps().find((r) => r.id === 'sunspec-veris-e51c2-model203')!;
  const lines = dumpWords(veris).map((w, i) => `${veris.base_address + i} 0x${w.toString(16)}`).join('\n');

  it('prints every model with its points and the normalised quantities as JSON', async () => {
    const r = await run([writeDump('veris.txt', lines), '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.baseAddress).toBe(40000);
    expect(out.models.map((m: { id: number }) => m.id)).toEqual([1, 203]);
    expect(out.models[1].points.W).toEqual({ value: 6540, units: 'W' });
    expect(out.quantities.powerW).toEqual({ value: 6540, unit: 'W' });
    expect(out.identity.manufacturer).toBe('Veris Industries');
  });

  it('prints tables with units for people', async () => {
    const r = await run([writeDump('veris2.txt', lines), '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('model 203 Meter (Wye-Connect Three Phase) at 40069 (length 105)');
    expect(r.stdout).toMatch(/TotWhImp\s+906630\s+Wh/);
    expect(r.stdout).toMatch(/energyImportWh\s+906630\s+Wh/);
  });

  it('exits 1 with the reason when nothing decodes', async () => {
    const r = await run([writeDump('nomarker.json', '{"40000": 1, "40001": 2, "40002": 3}'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0].kind).toBe('no-marker');
  });

  it('exits 2 on input that is not a register dump', async () => {
    const r = await run([writeDump('bad.txt', 'hello world'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a register dump');
  });
});
