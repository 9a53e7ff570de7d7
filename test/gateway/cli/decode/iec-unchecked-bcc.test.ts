// `nabo decode iec62056 --unchecked-bcc`: a published readout whose BCC was edited after the
// meter sent it (vzlogger's Itron ACE3000) decodes when asked, the mismatch named; without the
// flag it is rejected as before.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../../temp-folders.js';
import { runCli } from '../run-cli.js';

afterAll(removeTempFolders);
afterEach(() => {
  process.exitCode = undefined;
});

const captures = JSON.parse(readFileSync('test/fixtures/captures/iec62056-21-readouts.json', 'utf8')) as { entries: Array<{ id: string; raw_text: string }> };
const ace = captures.entries.find((e) => e.id === 'iec-mode-c-itron-ace3000-vzlogger')!.raw_text;

describe('nabo decode iec62056 --unchecked-bcc', () => {
  const file = join(tempFolder('nabo-decode-iec-'), 'ace3000.txt');
  writeFileSync(file, ace, 'latin1');

  it('rejects the readout by default and exits 1', async () => {
    const r = await runCli(['decode', 'iec62056', file, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).readouts[0]).toMatchObject({ ok: false, kind: 'bcc-mismatch' });
  });

  it('decodes it when asked, unchecked, with the mismatch in its warnings', async () => {
    const r = await runCli(['decode', 'iec62056', file, '--unchecked-bcc', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout).readouts[0];
    expect(out).toMatchObject({ ok: true, bccChecked: false, meterId: '1126120053322353' });
    expect(out.warnings[0]).toBe('BCC 0x46 given, 0x4d computed: decoded unchecked, as asked');
  });
});
