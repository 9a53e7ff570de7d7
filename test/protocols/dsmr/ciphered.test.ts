// Ciphered P1 (Luxembourg Smarty, Sagemcom T210-D-r): the way dsmr_parser's test builds its
// frame (test/test_parse_sagemcom_t210_d_r.py: its dummy keys, system title 'SYSTEMID',
// invocation counter 0x10000001, SC 0x30) around the real T210-D-r telegram of the captures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encryptGlo } from '../../../protocols/han/cipher.js';
import { decodeP1Ciphered } from '../../../protocols/dsmr/index.js';

const captures = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/captures/p1-telegrams.json', import.meta.url)), 'utf8')) as {
  entries: Array<{ id: string; raw_text: string }>;
};
const telegram = (captures.entries.find((e) => e.id === 'p1-at-sagemcom-t210-d-r-dsmr_parser') as { raw_text: string }).raw_text;
const encryptionKey = new Uint8Array(Buffer.from('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'hex'));
const authenticationKey = new Uint8Array(Buffer.from('BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'hex'));
const frame = encryptGlo({
  systemTitle: Uint8Array.from('SYSTEMID', (c) => c.charCodeAt(0)), frameCounter: 0x10000001, securityControl: 0x30,
  encryptionKey, authenticationKey, plaintext: Uint8Array.from(telegram, (c) => c.charCodeAt(0)),
});

describe('ciphered P1 telegrams', () => {
  it('deciphers and decodes the telegram: 18 objects, as dsmr_parser asserts, in Wh and W', () => {
    const r = decodeP1Ciphered(frame, { encryptionKey, authenticationKey });
    if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
    expect(r.value.objects).toHaveLength(18);
    expect(r.value).toMatchObject({ systemTitle: '53595354454D4944', frameCounter: 0x10000001, authenticated: true });
    expect(r.value.values).toMatchObject({ energyImportWh: 6_545_766, powerImportW: 286 });
  });

  it('rejects a damaged frame, a frame without a key and a wrong key', () => {
    const damaged = frame.slice();
    damaged[150] = 0x00; // dsmr_parser's test_damaged_frame
    const kind = (r: ReturnType<typeof decodeP1Ciphered>): string => (r.ok ? 'ok' : r.error.kind);
    expect(kind(decodeP1Ciphered(damaged, { encryptionKey, authenticationKey }))).toBe('decrypt');
    expect(kind(decodeP1Ciphered(frame, {}))).toBe('encrypted');
    expect(kind(decodeP1Ciphered(frame, { encryptionKey: authenticationKey }))).toBe('decrypt');
    expect(kind(decodeP1Ciphered(Uint8Array.from(telegram, (c) => c.charCodeAt(0)), { encryptionKey }))).toBe('decrypt');
  });
});
