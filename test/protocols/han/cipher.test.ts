// AES-128-GCM (DLMS security suite 0): the Green Book's published vectors, a real ciphered push
// from an Austrian DSO's documentation, and round trips through the HAN frame codec.
import { describe, expect, it } from 'vitest';
import { decodeHanFrame, decryptGlo, encodeHanFrame, encryptGlo, parseGeneralGloCiphering } from '../../../protocols/han/index.js';
import { parseDataNotification } from '../../../protocols/han/apdu.js';
import { cosemToUtcMs, parseCosemDateTime } from '../../../protocols/han/cosem-datetime.js';

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

// DLMS UA Green Book, Table 40 (glo-get-request example), reproduced by jDLMS, Gurux and
// others: system title 4D4D4D0000BC614E, invocation counter 01234567.
const GB = {
  systemTitle: h('4D4D4D0000BC614E'),
  frameCounter: 0x01234567,
  encryptionKey: h('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
  plaintext: h('C0010000080000010000FF0200'),
};

describe('DLMS AES-GCM against the Green Book vectors', () => {
  it('authenticated encryption (SC 0x30) gives the published ciphertext and tag', () => {
    const apdu = encryptGlo({ ...GB, securityControl: 0x30 });
    expect(hex(apdu.subarray(11))).toBe('3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B');
    const c = parseGeneralGloCiphering(apdu);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const p = decryptGlo(c.value, GB);
    expect(p.ok && hex(p.value.plaintext)).toBe(hex(GB.plaintext));
    expect(p.ok && p.value.authenticated).toBe(true);
  });

  it('encryption only (SC 0x20) gives the published ciphertext', () => {
    const apdu = encryptGlo({ ...GB, securityControl: 0x20 });
    expect(hex(apdu.subarray(11))).toBe('2001234567411312FF935A47566827C467BC');
    const c = parseGeneralGloCiphering(apdu);
    const p = c.ok ? decryptGlo(c.value, { encryptionKey: GB.encryptionKey }) : c;
    expect(p.ok && hex(p.value.plaintext)).toBe(hex(GB.plaintext));
  });

  it('authentication only (SC 0x10) gives the published tag', () => {
    const apdu = encryptGlo({ ...GB, securityControl: 0x10 });
    expect(hex(apdu.subarray(11))).toBe('1001234567C0010000080000010000FF020006725D910F9221D263877516');
    const c = parseGeneralGloCiphering(apdu);
    const p = c.ok ? decryptGlo(c.value, GB) : c;
    expect(p.ok && p.value.authenticated).toBe(true);
  });

  it('rejects a wrong authentication key or a flipped ciphertext bit', () => {
    const apdu = encryptGlo({ ...GB, securityControl: 0x30 });
    const c = parseGeneralGloCiphering(apdu);
    if (!c.ok) throw new Error(c.error.detail);
    const wrongAk = decryptGlo(c.value, { ...GB, authenticationKey: h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDE') });
    expect(!wrongAk.ok && wrongAk.error.kind).toBe('decrypt');
    const flipped = apdu.slice();
    flipped[20] = (flipped[20] as number) ^ 1;
    const c2 = parseGeneralGloCiphering(flipped);
    const r = c2.ok ? decryptGlo(c2.value, GB) : c2;
    expect(!r.ok && r.error.kind).toBe('decrypt');
  });

  it('rejects keys that are not 16 bytes and asks for a key it does not have', () => {
    const c = parseGeneralGloCiphering(encryptGlo({ ...GB, securityControl: 0x30 }));
    if (!c.ok) throw new Error(c.error.detail);
    const short = decryptGlo(c.value, { encryptionKey: h('0001') });
    expect(!short.ok && short.error.kind).toBe('decrypt');
    const none = decryptGlo(c.value, {});
    expect(!none.ok && none.error.kind).toBe('encrypted');
  });
});

// Real push from a Kaifa MA309 as printed in Netz Niederösterreich's customer-interface
// document (sample key 36C66639E48A8CA4D6BC8B282A793BBB), quoted in public readers such as
// the EVN smart meter scripts on GitHub. Two M-Bus long frames (68 L L 68 C A CI 01 67 … CS 16)
// carry one general-glo-ciphering APDU with SC 0x20.
const EVN_KEY = h('36C66639E48A8CA4D6BC8B282A793BBB');
const EVN_MBUS = h(
  '68FAFA6853FF000167DB084B464D675000000981F8200000002388D5AB4F97515AAFC6B88D2F85DAA7A0E3C0C40D004535C397C9D037AB7DBDA329107615444894A1A0DD7E85F02D496CECD3FF46AF5FB3C9229CFE8F3EE4606AB2E1F409F36AAD2E50900A4396FC6C2E083F373233A69616950758BFC7D63A9E9B6E99E21B2CBC2B934772CA51FD4D69830711CAB1F8CFF25F0A329337CBA51904F0CAED88D61968743C8454BA922EB00038182C22FE316D16F2A9F544D6F75D51A4E92A1C4EF8AB19A2B7FEAA32D0726C0ED80229AE6C0F7621A4209251ACE2B2BC66FF0327A653BB686C756BE033C7A281F1D2A7E1FA31C3983E15F8FD16CC5787E6F517166814146853FF110167419A3CFDA44BE438C96F0E38BF83D98316',
);

function mbusUserData(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const l = bytes[at + 1] as number;
    parts.push(bytes.subarray(at + 4 + 5, at + 4 + l)); // skip C, A, CI and the 2 transport bytes
    at += l + 6;
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe('a real ciphered push (Netz NÖ sample, Kaifa MA309)', () => {
  const apdu = mbusUserData(EVN_MBUS);

  it('deciphers to a well-formed data-notification with the meter clock and registers', () => {
    const c = parseGeneralGloCiphering(apdu);
    if (!c.ok) throw new Error(c.error.detail);
    expect(hex(c.value.systemTitle)).toBe('4B464D6750000009'); // 'KFM' + serial
    expect(c.value.securityControl).toBe(0x20);
    const p = decryptGlo(c.value, { encryptionKey: EVN_KEY });
    if (!p.ok) throw new Error(p.error.detail);
    const n = parseDataNotification(p.value.plaintext);
    if (!n.ok) throw new Error(n.error.detail);
    const dt = parseCosemDateTime(n.value.dateTime as Uint8Array);
    if (!dt.ok) throw new Error(dt.error.detail);
    expect(dt.value).toMatchObject({ year: 2021, month: 9, day: 27, hour: 9, minute: 47, second: 15, deviationMin: -120, clockStatus: 0x80 });
    // A specified deviation is trusted: 09:47:15 local at UTC−local = −120 min is 07:47:15Z.
    expect(new Date(cosemToUtcMs(dt.value, 'Europe/Vienna', 'local')).toISOString()).toBe('2021-09-27T07:47:15.000Z');
    const body = n.value.body;
    if (body.type !== 'structure') throw new Error(body.type);
    const after = (obis: string): unknown => {
      const i = body.items.findIndex((d) => d.type === 'octet-string' && hex(d.bytes) === obis);
      return i < 0 ? undefined : body.items[i + 1];
    };
    expect(after('0100010800FF')).toEqual({ type: 'double-long-unsigned', value: 12937 }); // A+ Wh
    expect(after('0100200700FF')).toEqual({ type: 'long-unsigned', value: 2337 }); // U L1 dV
    expect(after('01000D0700FF')).toEqual({ type: 'long-unsigned', value: 1000 }); // PF × 10^-3
  });

  it('a wrong key gives garbage that is rejected, not decoded', () => {
    const c = parseGeneralGloCiphering(apdu);
    if (!c.ok) throw new Error(c.error.detail);
    const p = decryptGlo(c.value, { encryptionKey: h('36C66639E48A8CA4D6BC8B282A793BBA') });
    expect(p.ok).toBe(true);
    expect(p.ok && parseDataNotification(p.value.plaintext).ok).toBe(false);
  });
});

describe('ciphered HAN frames round trip', () => {
  const keys = { encryptionKey: h('00112233445566778899AABBCCDDEEFF'), authenticationKey: h('0F0E0D0C0B0A09080706050403020100') };
  const frame = encodeHanFrame({
    layout: 'kamstrup', list: 3, meterTimeMs: Date.UTC(2024, 4, 1, 12), meterId: '5706567000000001', meterModel: '6841131BN243101040',
    values: { powerImportW: 4321, voltageL1V: 230, currentL1A: 12.34, energyImportWh: 1_234_560 },
    encryption: { ...keys, systemTitle: h('4B414D4501020304'), frameCounter: 77 },
  });

  it('decodes with both keys, authenticated', () => {
    const r = decodeHanFrame(frame, keys);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value).toMatchObject({ encrypted: true, authenticated: true, systemTitle: '4B414D4501020304', layout: 'kamstrup', list: 3 });
    expect(r.value.values).toMatchObject({ powerImportW: 4321, voltageL1V: 230, currentL1A: 12.34, energyImportWh: 1_234_560 });
  });

  it('decodes with the encryption key alone, unauthenticated', () => {
    const r = decodeHanFrame(frame, { encryptionKey: keys.encryptionKey });
    expect(r.ok && r.value.authenticated).toBe(false);
    expect(r.ok && r.value.values.powerImportW).toBe(4321);
  });

  it('says the frame is ciphered when no key is given, and rejects a wrong key', () => {
    const none = decodeHanFrame(frame);
    expect(!none.ok && none.error.kind).toBe('encrypted');
    const wrong = decodeHanFrame(frame, { ...keys, authenticationKey: h('00000000000000000000000000000000') });
    expect(!wrong.ok && wrong.error.kind).toBe('decrypt');
    const wrongEk = decodeHanFrame(frame, { encryptionKey: h('00000000000000000000000000000001') });
    expect(!wrongEk.ok && wrongEk.error.kind).toBe('decrypt');
  });
});
