import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../../temp-folders.js';
import { runCli } from '../run-cli.js';

afterAll(removeTempFolders);

const dir = tempFolder('nabo-decode-cli-');
const dsmr = JSON.parse(readFileSync('test/fixtures/conformance/dsmr-telegrams.json', 'utf8')) as { entries: Array<{ id: string; raw_text: string }> };
const iec = JSON.parse(readFileSync('test/fixtures/conformance/iec62056-21-readouts.json', 'utf8')) as { entries: Array<{ id: string; raw_text?: string }> };

const run = (args: string[]) => runCli(['decode', ...args]);

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text, 'latin1');
  return f;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('nabo decode p1', () => {
  const telegram = dsmr.entries.find((e) => e.id === 'dsmr5-iskra-mt382-1000-dsmr_parser-v5')!.raw_text;

  it('decodes several telegrams in one capture with units, meter id and meter time', async () => {
    const r = await run(['p1', file('two.txt', `${telegram}${telegram}`), '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ decoded: 2, rejected: 0 });
    expect(out.telegrams[0]).toMatchObject({ ok: true, version: '5.0', meterId: 'K8EG004046395507', meterTime: '2017-01-02T18:20:02.000Z' });
    expect(out.telegrams[0].values.powerImportW).toEqual({ value: 244, unit: 'W' });
  });

  it('rejects a telegram whose CRC does not match, says why, and exits 1 when nothing decodes', async () => {
    const r = await run(['p1', file('bad.txt', telegram.replace('004.426', '004.427')), '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ decoded: 0, rejected: 1 });
    expect(out.telegrams[0]).toMatchObject({ ok: false, kind: 'crc-mismatch' });
  });

  it('exits 2 when the capture cannot be read', async () => {
    const r = await run(['p1', join(dir, 'missing.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ENOENT');
  });
});

describe('nabo decode iec62056', () => {
  it('decodes a real mode C readout and rejects it once its BCC is broken', async () => {
    const readout = iec.entries.find((e) => e.id === 'iec-pwitab-readout-data-message')!.raw_text!;
    const ok = await run(['iec62056', file('readout.txt', readout), '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('"ok": true');
    // Change one digit inside the data block: the BCC no longer matches.
    const broken = readout.replace(/\d(?=[^\x03]*\x03)/, (d) => String((Number(d) + 1) % 10));
    const bad = await run(['iec62056', file('broken.txt', broken), '--format', 'json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/bcc/i);
  });
});
