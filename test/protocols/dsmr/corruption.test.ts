// Every copy of every fixture telegram with one flipped bit or one dropped byte.
import { describe, expect, it } from 'vitest';
import { decodeP1Telegram, type P1Telegram } from '../../../protocols/dsmr/index.js';
import { DSMR_ENTRIES, bytesOf } from './dsmr-fixtures.js';
import { corruptions } from './corruptions.js';

function sameMeaning(a: P1Telegram, b: P1Telegram): void {
  expect(a.values).toEqual(b.values);
  expect(a.objects).toEqual(b.objects);
  expect(a.meterId).toBe(b.meterId);
  expect(a.meterTimeMs).toBe(b.meterTimeMs);
}

describe('corrupted CRC-protected P1 telegrams', () => {
  for (const e of DSMR_ENTRIES.filter((x) => x.crc_check.crc_present)) {
    it(`rejects or decodes identically every one-bit-flip and dropped-byte copy of ${e.id}`, () => {
      const original = decodeP1Telegram(e.raw_text);
      if (!original.ok) throw new Error(original.error.detail);
      const bytes = bytesOf(e.raw_text);
      const bang = e.raw_text.lastIndexOf('!');
      let rejected = 0;
      for (const c of corruptions(bytes)) {
        const r = decodeP1Telegram(c.bytes);
        if (!r.ok) {
          rejected++;
          continue;
        }
        // Accepted copies may differ only where the CRC does not reach: the line end after the
        // CRC, or the CRC digits' letter case.
        expect(c.at > bang, `${c.how} at ${c.at} accepted`).toBe(true);
        sameMeaning(r.value, original.value);
      }
      // Every change from '/' to the last CRC digit is caught.
      expect(rejected).toBeGreaterThanOrEqual((bang + 5) * 9);
    });
  }
});

describe('corrupted DSMR 2.2/3.0 telegrams (no CRC)', () => {
  // DSMR 2.2/3.0 carry no checksum, so a flipped digit inside a value changes that value and
  // nothing can tell. What protects them is syntax: the '/' header, the '!' end, OBIS codes,
  // brackets, 'number*unit', the kilo unit and decimals every P1 power/energy value has.
  // Asserted: a corruption of anything but a digit is rejected or leaves the meaning (values,
  // meter id, gas) as it was; any accepted corruption changes at most the one line it hit.
  const e = DSMR_ENTRIES.find((x) => !x.crc_check.crc_present)!;

  it(`never lets a non-digit corruption of ${e.id} change a value, and a digit only its own line`, () => {
    const original = decodeP1Telegram(e.raw_text);
    if (!original.ok) throw new Error(original.error.detail);
    const bytes = bytesOf(e.raw_text);
    const headerEnd = e.raw_text.indexOf('\r\n');
    const outcomes = { rejected: 0, sameMeaning: 0, digitChanged: 0 };
    const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
    const problems: string[] = [];
    const meaning = (t: P1Telegram): string => JSON.stringify([t.values, t.meterId, t.gasTimeMs]);
    const originalMeaning = meaning(original.value);
    // Units are matched without regard to case ('KWh' reads as 'kWh'), so lines compare that way.
    const lines = original.value.objects.map((o) => JSON.stringify(o).toLowerCase());
    for (const c of corruptions(bytes)) {
      const r = decodeP1Telegram(c.bytes);
      if (!r.ok) {
        outcomes.rejected++;
        continue;
      }
      const where = `${c.how} at ${c.at} ('${e.raw_text[c.at]}')`;
      const a = r.value.objects;
      const differing = lines.filter((l, i) => l !== JSON.stringify(a[i]).toLowerCase()).length;
      if (a.length !== lines.length || differing > 1) problems.push(`${where}: ${differing} lines changed`);
      const digit = isDigit(bytes[c.at]) || (c.how !== 'dropped' && isDigit(c.bytes[c.at]));
      if (digit) {
        outcomes.digitChanged++;
        continue;
      }
      if (c.at > headerEnd && meaning(r.value) !== originalMeaning) problems.push(`${where}: meaning changed`);
      outcomes.sameMeaning++;
    }
    expect(problems).toEqual([]);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.digitChanged).toBeGreaterThan(0);
  });
});
