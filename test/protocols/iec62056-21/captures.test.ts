// Real IEC 62056-21 readouts from public sources beyond the conformance set
// (test/fixtures/captures/iec62056-21-readouts.json, provenance per entry).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeIecReadout } from '../../../protocols/iec62056-21/index.js';

interface Capture { id: string; raw_text: string; asserted: Array<{ name?: string; obis?: string; value: string; unit: string | null }> }
const path = fileURLToPath(new URL('../../fixtures/captures/iec62056-21-readouts.json', import.meta.url));
const CAPTURES: Capture[] = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Capture[] }).entries;
const byId = (id: string): Capture => CAPTURES.find((c) => c.id === id) as Capture;

describe('IEC 62056-21 captures from public sources', () => {
  it('the EasyMeter Q3DA D0 push decodes to the values it prints, its signed total power split into directions', () => {
    const r = decodeIecReadout(byId('iec-d0-easymeter-q3da1024-go-iec62056').raw_text);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.values).toEqual({
      energyImportWh: 780.1269, energyExportWh: 7_041_229.2533,
      powerW: -142.3, powerImportW: 0, powerExportW: 142.3, powerL1W: -73.69, powerL2W: 0, powerL3W: -68.61,
    });
    expect(r.value.meterId).toBe('111940207');
    expect(r.value.bccChecked).toBe(false);
  });

  it('the Kamstrup MULTICAL 66 readout is rejected: its BCC is present and does not match', () => {
    const c = byId('iec-mode-a-kamstrup-multical66-go-iec62056');
    const r = decodeIecReadout(c.raw_text);
    expect(r.ok ? 'ok' : r.error.kind).toBe('bcc-mismatch');
  });

  it('the same Kamstrup readout with the BCC its bytes give decodes, with the quirks named', () => {
    // Only the last byte differs from the capture: it shows that the space for the baud
    // character and the '!' on the last data line are read, and said.
    const text = byId('iec-mode-a-kamstrup-multical66-go-iec62056').raw_text.replace(/a$/, '=');
    const r = decodeIecReadout(text);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.identification).toMatchObject({ manufacturerId: 'KAM', baudChar: ' ', mode: 'A', identification: 'MC' });
    expect(r.value.dataSets.map((d) => `${d.address}=${d.value}${d.unit ? ` ${d.unit}` : ''}`)).toEqual(['0.0=00005077354', '6.8=00433.65 GJ', '6.26=03052.95 m3', '6.31=0109868 h']);
    expect(r.value.meterId).toBe('00005077354');
    expect(r.value.warnings).toEqual(['identification line has a space where the baud rate character belongs (read as mode A, 300 Bd)', "'!' on the same line as the last data set"]);
  });
});

describe('IEC 62056-21 captures from vzlogger', () => {
  it('rejects the ACE3000 readout, whose BCC does not match, and the E350 readout cut before its ETX', () => {
    const kind = (id: string): string => {
      const r = decodeIecReadout(byId(id).raw_text);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kind('iec-mode-c-itron-ace3000-vzlogger')).toBe('bcc-mismatch');
    expect(kind('iec-mode-c-landisgyr-zmf100ac-m27-vzlogger')).toBe('no-etx');
  });

  it('the same ACE3000 readout with the BCC its bytes give decodes to what vzlogger asserts, its quirks named', () => {
    // Only the BCC byte differs from the capture (0x46 → 0x4D): DEL bytes, the echo, the empty
    // unit and the noise before '!' are the meter's own.
    const text = byId('iec-mode-c-itron-ace3000-vzlogger').raw_text.replace(/\x03F\x7f$/, '\x03M\x7f');
    const r = decodeIecReadout(text);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.identification).toMatchObject({ manufacturerId: 'ACE', mode: 'C', enhancedId: '3', identification: 'k260V01.19' });
    expect(r.value.values.energyImportWh).toBe(13_925_500); // vzlogger: 13925.5 (kWh, the unit this meter leaves out)
    expect(r.value.meterId).toBe('1126120053322353');
    expect(r.value.dataSets.find((d) => d.address === 'F.F')?.value).toBe('00');
    expect(r.value.warnings).toEqual(["noise between the last data set and '!' skipped: 'Y....'", '1.8.0: empty unit, read in the unit meters print for it']);
  });
});
