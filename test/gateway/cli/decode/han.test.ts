// `nabo decode han` (gateway/cli/decode/han.ts): several frames from a hex dump or raw bytes,
// values with units, meter id, model and UTC time, every rejected frame with its reason, exit
// 1 when nothing decodes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../../temp-folders.js';
import { runCli } from '../run-cli.js';
import { encodeHanFrame } from '../../../../protocols/han/index.js';
import { HAN_FIXTURES } from '../../../protocols/han/han-fixtures.js';

afterAll(removeTempFolders);

const dir = tempFolder('nabo-han-cli-');

const run = (args: string[]) => runCli(['decode', 'han', ...args]);

function write(name: string, data: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

const hexOf = (id: string): string => (HAN_FIXTURES.find((f) => f.id === id) as { raw_hex: string }).raw_hex;
const spaced = (hex: string): string => (hex.match(/../g) as string[]).join(' ');

afterEach(() => {
  process.exitCode = undefined;
});

describe('nabo decode han', () => {
  const kaifa = hexOf('han-kaifa-ma304h3e-elwiz-list2');
  const kamstrup = hexOf('han-kamstrup-6841131BN243101040-amsreader-em001-1');
  const broken = hexOf('han-aidon6534-elwiz-list1').replace(/C12C7E$/, 'C12D7E');

  it('decodes every frame of a spaced hex dump and reports the broken one with its reason', async () => {
    const file = write('capture.hex', `${kaifa}\n${spaced(kamstrup)}\n${broken}\n`);
    const r = await run([file, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { decoded: number; rejected: number; frames: Array<Record<string, unknown>> };
    expect(out.decoded).toBe(2);
    expect(out.rejected).toBe(1);
    expect(out.frames[0]).toMatchObject({ ok: true, layout: 'kaifa', list: 2, meterId: '6970631403757615', model: 'MA304H3E', meterTime: '2022-10-16T19:00:20.000Z' });
    expect((out.frames[0]?.values as Record<string, unknown>).currentL1A).toEqual({ value: 10.522, unit: 'A' });
    expect(out.frames[1]).toMatchObject({ ok: true, layout: 'kamstrup', list: 3, meterTime: '2021-11-25T22:00:55.000Z' });
    expect((out.frames[1]?.values as Record<string, unknown>).energyImportWh).toEqual({ value: 85823280, unit: 'Wh' });
    expect(out.frames[2]).toMatchObject({ ok: false, kind: 'fcs' });
  });

  it('prints a table for people with values, units, meter and time', async () => {
    const r = await run([write('one.hex', kaifa), '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kaifa list 2, Kaifa MA304H3E, meter id 6970631403757615');
    expect(r.stdout).toMatch(/voltageL1V\s+232\.5\s+V/);
    expect(r.stdout).toContain('meter time 2022-10-16T19:00:20.000Z');
  });

  it('reads raw bytes and decodes ciphered frames with the keys', async () => {
    const ek = '00112233445566778899AABBCCDDEEFF';
    const ak = 'FFEEDDCCBBAA99887766554433221100';
    const frame = encodeHanFrame({
      layout: 'aidon', list: 2, meterTimeMs: 0, meterId: '7359992890000001', meterModel: '6534', values: { powerImportW: 777 },
      encryption: { encryptionKey: Buffer.from(ek, 'hex'), authenticationKey: Buffer.from(ak, 'hex'), systemTitle: Buffer.from('4149444F4E000001', 'hex'), frameCounter: 1 },
    });
    const file = write('ciphered.bin', Buffer.concat([Buffer.from([0x00, 0x13]), frame]));
    const withKeys = await run([file, '--key', ek, '--auth-key', ak, '--format', 'json']);
    expect(withKeys.code).toBe(0);
    expect(JSON.parse(withKeys.stdout).frames.find((f: { ok: boolean }) => f.ok)).toMatchObject({ encrypted: true, authenticated: true, meterId: '7359992890000001' });
    const without = await run([file, '--format', 'json']);
    expect(without.code).toBe(1);
    expect(JSON.parse(without.stdout).frames.map((f: { kind?: string }) => f.kind)).toContain('encrypted');
  });

  it('decodes an LLC-only dump', async () => {
    const r = await run([write('llc.hex', hexOf('han-kaifa-ma304h3e-amshan-llc-list3')), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).frames[0]).toMatchObject({ ok: true, list: 3, meterClock: '2020-01-25T14:00:10' });
  });

  it('exits 1 when nothing decodes and 2 on a malformed key', async () => {
    const r = await run([write('junk.hex', 'DE AD BE EF'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).frames[0]).toMatchObject({ ok: false, kind: 'framing' });
    const bad = await run([write('k.hex', kaifa), '--key', '1234']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--key');
  });
});
