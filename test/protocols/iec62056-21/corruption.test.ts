// Every copy of every BCC-protected fixture message with one flipped bit or one dropped byte.
import { describe, expect, it } from 'vitest';
import { decodeCommand, decodeIecReadout } from '../../../protocols/iec62056-21/index.js';
import { IEC_ENTRIES, bytesOf } from './iec-fixtures.js';
import { corruptions } from '../dsmr/corruptions.js';

const protectedEntries = IEC_ENTRIES.filter((e) => e.bcc_check?.bcc_present && e.raw_text !== undefined);

describe('corrupted BCC-protected IEC 62056-21 messages', () => {
  it('has BCC-protected fixtures to corrupt', () => {
    expect(protectedEntries.length).toBeGreaterThanOrEqual(8);
  });

  for (const e of protectedEntries) {
    it(`rejects every corruption of ${e.id} inside the BCC, and never changes its data outside it`, () => {
      const bytes = bytesOf(e.raw_text!);
      const isCommand = bytes[0] === 0x01;
      // The BCC covers the bytes after the first SOH/STX; an identification line before STX is
      // not covered by the protocol, so there only the data is asserted unchanged.
      const covered = isCommand ? 0 : bytes.indexOf(0x02);
      const decode = (b: Uint8Array): { ok: boolean; data?: unknown } => {
        if (isCommand) {
          const r = decodeCommand(b);
          return r.ok ? { ok: true, data: r.value } : { ok: false };
        }
        const r = decodeIecReadout(b);
        return r.ok ? { ok: true, data: r.value.lines } : { ok: false };
      };
      const original = decode(bytes);
      expect(original.ok).toBe(true);
      const problems: string[] = [];
      let rejected = 0;
      for (const c of corruptions(bytes)) {
        const r = decode(c.bytes);
        if (!r.ok) {
          rejected++;
          continue;
        }
        if (c.at >= covered) problems.push(`${c.how} at ${c.at} accepted inside the BCC`);
        else if (JSON.stringify(r.data) !== JSON.stringify(original.data)) problems.push(`${c.how} at ${c.at} changed the data`);
      }
      expect(problems).toEqual([]);
      expect(rejected).toBeGreaterThanOrEqual((bytes.length - covered) * 9);
    });
  }
});
