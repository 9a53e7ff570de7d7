// `nabo decode han|iec62056` show what looks wrong in a decoded frame (warnings) and the items
// of a HAN list whose layout nabo does not know, one per line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { removeTempFolders, tempFolder } from '../../../temp-folders.js';

afterAll(removeTempFolders);

const dir = tempFolder('nabo-warnings-cli-');
const write = (name: string, data: string): string => {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
};
const captures = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/captures/han-amsreader.json', import.meta.url)), 'utf8')) as {
  entries: Array<{ id: string; raw_hex: string }>;
};
const hexOf = (id: string): string => (captures.entries.find((e) => e.id === id) as { raw_hex: string }).raw_hex;

afterEach(() => {
  process.exitCode = undefined;
});

describe('nabo decode: warnings and unknown layouts', () => {
  it('prints the plausibility warning of a CT Kamstrup frame, and none once --country and the frame agree', async () => {
    const file = write('ct.hex', hexOf('han-kamstrup-gh216-1'));
    const table = await runCli(['decode', 'han', file, '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/warning: V·I \(646805\.7 VA\) is 10\.2× the apparent power of P and Q/);
    const json = await runCli(['decode', 'han', file, '--format', 'json']);
    const out = JSON.parse(json.stdout) as { frames: Array<{ warnings: string[] }> };
    expect(out.frames[0]?.warnings).toHaveLength(1);
  });

  it('scales a Kamstrup energy register by the country given', async () => {
    const file = write('se.hex', hexOf('han-kamstrup-gh239-2'));
    const out = JSON.parse((await runCli(['decode', 'han', file, '--format', 'json', '--country', 'se'])).stdout) as {
      frames: Array<{ values: Record<string, { value: number }> }>;
    };
    expect(out.frames[0]?.values.energyImportWh?.value).toBe(32_014_158);
    expect((await runCli(['decode', 'han', file, '--country', 'Sweden'])).code).toBe(2);
  });

  it('lists the items of an unknown HAN layout one per line and exits 1', async () => {
    const file = write('ie5.hex', `E6E700${hexOf('han-iskraemeco-gh1072-3')}`);
    const r = await runCli(['decode', 'han', file, '--format', 'table']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('frame 1: rejected (layout): unknown list layout, not decoded: structure of 33 items\n  [0] octet-string "92029691"\n  [1] octet-string 0F351E00\n');
    expect(r.stdout).toContain('  [3] double-long-unsigned 6844432\n');
  });

  it('prints the warnings of an IEC readout and says when no BCC was checked', async () => {
    const file = write('mode-a.txt', '/EMH ED300L\r\n\x021.8.0(000123.4*)\r\n!\r\n');
    const r = await runCli(['decode', 'iec62056', file, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no ETX and BCC, not checked');
    expect(r.stdout).toContain('warning: identification line has a space where the baud rate character belongs (read as mode A, 300 Bd)');
    expect(r.stdout).toContain('warning: 1.8.0: empty unit, read in the unit meters print for it');
  });
});

describe('nabo decode p1 --key', () => {
  it('deciphers a Smarty-style frame given as a hex dump', async () => {
    const { encryptGlo } = await import('../../../../protocols/han/cipher.js');
    const p1 = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/captures/p1-telegrams.json', import.meta.url)), 'utf8')) as { entries: Array<{ id: string; raw_text: string }> };
    const telegram = (p1.entries.find((e) => e.id === 'p1-at-sagemcom-t210-d-r-dsmr_parser') as { raw_text: string }).raw_text;
    const key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const frame = encryptGlo({
      systemTitle: Uint8Array.from('SYSTEMID', (c) => c.charCodeAt(0)), frameCounter: 1, securityControl: 0x30,
      encryptionKey: new Uint8Array(Buffer.from(key, 'hex')), plaintext: Uint8Array.from(telegram, (c) => c.charCodeAt(0)),
    });
    const file = write('smarty.hex', Buffer.from(frame).toString('hex'));
    const r = await runCli(['decode', 'p1', file, '--key', key, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { decoded: number; telegrams: Array<{ values: Record<string, { value: number }> }> };
    expect(out.decoded).toBe(1);
    expect(out.telegrams[0]?.values.energyImportWh?.value).toBe(6_545_766);
    expect((await runCli(['decode', 'p1', file, '--key', 'BB'.repeat(16)])).code).toBe(1);
  });
});
