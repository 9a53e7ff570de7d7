// Telegram parts the captures do not cover: heat meters, text messages, the one-line DSMR 2.2
// gas profile, and the CRC over bytes rather than printed escapes (README SOURCE QUIRKs).
import { describe, expect, it } from 'vitest';
import { crc16Arc } from '../../../protocols/checksums/crc16-arc.js';
import { decodeP1Telegram, type P1Telegram } from '../../../protocols/dsmr/index.js';
import { bytesOf, entry } from './dsmr-fixtures.js';

/** A constructed telegram (not a capture) with a correct CRC. */
function withCrc(lines: string[]): string {
  const body = `${lines.join('\r\n')}\r\n!`;
  return `${body}${crc16Arc(bytesOf(body)).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}

function decoded(text: string): P1Telegram {
  const r = decodeP1Telegram(text);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

describe('P1 sub-meters, messages and CRC bytes', () => {
  it('computes the CRC-16/ARC check value', () => {
    expect(crc16Arc(bytesOf('123456789'))).toBe(0xbb3d);
  });

  it('maps a heat meter in GJ to Wh and a water meter to m3, each with its capture time', () => {
    const t = decoded(
      withCrc([
        '/ISk5\\2MT382-1000',
        '',
        '1-3:0.2.8(50)',
        '0-0:1.0.0(240115120000W)',
        '1-0:1.8.1(000001.000*kWh)',
        '0-1:24.1.0(004)',
        '0-1:96.1.0(4845415431)',
        '0-1:24.2.1(240115110000W)(00001.800*GJ)',
        '0-2:24.1.0(007)',
        '0-2:24.2.1(240115110500W)(00123.456*m3)',
      ]),
    );
    expect(t.values.heatEnergyWh).toBe(500_000); // 1.8 GJ = 500 kWh
    expect(t.values.waterM3).toBe(123.456);
    expect(t.values.gasM3).toBeUndefined();
    expect(t.mbus.map((m) => [m.channel, m.deviceType, m.equipmentId, m.capturedAtMs])).toEqual([
      [1, 4, 'HEAT1', Date.parse('2024-01-15T10:00:00Z')],
      [2, 7, undefined, Date.parse('2024-01-15T10:05:00Z')],
    ]);
  });

  it('refuses a gas or water reading in a unit other than m3', () => {
    const r = decodeP1Telegram(withCrc(['/KFM5KAIFA-METER', '', '1-3:0.2.8(42)', '0-1:24.1.0(003)', '0-1:24.2.1(161129200000W)(00981.443*GJ)']));
    expect(r.ok ? 'ok' : r.error.kind).toBe('bad-unit');
  });

  it('decodes hex text messages and codes to text', () => {
    const t = decoded(withCrc(['/KFM5KAIFA-METER', '', '1-3:0.2.8(42)', '0-0:96.13.1(3031)', '0-0:96.13.0(48656C6C6F206E61626F)']));
    expect(t.textMessage).toBe('Hello nabo');
    expect(t.textCode).toBe('01');
  });

  it('reads a DSMR 2.2 gas profile whose value is on the same line', () => {
    const t = decoded('/ISk5\\2MT382-1000\r\n\r\n0-0:96.1.1(4B384547)\r\n0-1:24.3.0(090212160000)(08)(60)(1)(0-1:24.2.1)(m3)(00123.456)\r\n!\r\n');
    expect(t.values.gasM3).toBe(123.456);
    expect(t.gasTimeMs).toBe(Date.parse('2009-02-12T15:00:00Z'));
    expect(t.meterId).toBe('K8EG');
  });

  it('can insist on a CRC for a meter known to send one', () => {
    const dsmr3 = entry('dsmr3-iskra-mt382-1004-go-iec62056').raw_text;
    const r = decodeP1Telegram(dsmr3, { requireCrc: true });
    expect(r.ok ? 'ok' : r.error.kind).toBe('crc-missing');
  });

  it('checks the CRC over the bytes sent, not over escapes printed in a source', () => {
    // dsmr_parser writes '/FLU5\253769484_A' in Python, where '\253' is the byte 0xAB; its CRC
    // 911C holds over that byte. The literal-backslash text of the fixture carries 3AD7.
    const literal = entry('dsmr-emucs171-fluvius-meterlogger').raw_text;
    const asPython = literal.replace('/FLU5\\253769484_A', '/FLU5\xab769484_A').replace('!3AD7', '!911C');
    expect(decoded(asPython).values).toEqual(decoded(literal).values);
    expect(decodeP1Telegram(literal.replace('!3AD7', '!911C')).ok).toBe(false);
    // dsmr-reader prints '/FLU5\123456789_A' but feeds 'S' ('\123'); D145 holds only over 'S'.
    const polyphase = entry('dsmr-fluvius-polyphase-dsmr-reader').raw_text;
    const printed = decodeP1Telegram(polyphase.replace('/FLU5S456789_A', '/FLU5\\123456789_A'));
    expect(printed.ok ? 'ok' : printed.error.kind).toBe('crc-mismatch');
  });
});
