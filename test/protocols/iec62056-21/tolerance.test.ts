// What real meters send that the standard does not allow, accepted and said in warnings; the
// BCC is still checked wherever the readout has one. Constructed readouts.
import { describe, expect, it } from 'vitest';
import { bcc, decodeIecReadout, type IecReadout } from '../../../protocols/iec62056-21/index.js';

function readout(text: string): IecReadout {
  const r = decodeIecReadout(text);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

function withBcc(head: string, data: string): string {
  const body = `${head}\x02${data}\x03`;
  const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0));
  return body + String.fromCharCode(bcc(bytes, head.length + 1, bytes.length));
}

describe('IEC 62056-21 readouts as real meters send them', () => {
  it("accepts '!' on the same line as the last data set, in a push and in a checked block", () => {
    const push = readout('/ISK5MT174-0001\r\n1.8.0(0001234.5*kWh)\r\n2.8.0(0000012.3*kWh)!\r\n');
    expect(push.values).toMatchObject({ energyImportWh: 1_234_500, energyExportWh: 12_300 });
    expect(push.warnings).toEqual(["'!' on the same line as the last data set"]);
    const block = readout(withBcc('/LGZ5ZMD\r\n', '1.8.0(0001234.5*kWh)\r\n2.8.0(0000012.3*kWh)!\r\n'));
    expect(block.bccChecked).toBe(true);
    expect(block.values.energyExportWh).toBe(12_300);
    expect(block.warnings).toEqual(["'!' on the same line as the last data set"]);
  });

  it('reads a mode A readout without ETX and BCC, marked unchecked', () => {
    const r = readout('/ABBG1CE100\r\n\x021.8.0(001234.567*kWh)\r\n!\r\n');
    expect(r.identification?.mode).toBe('A');
    expect(r.bccChecked).toBe(false);
    expect(r.values.energyImportWh).toBe(1_234_567);
    expect(r.warnings).toEqual(['mode A readout without ETX and BCC: not checked']);
  });

  it('still wants ETX and BCC from a mode C meter, and checks the BCC where there is one', () => {
    expect(decodeIecReadout('/LGZ5ZMD\r\n\x021.8.0(001234.567*kWh)\r\n!\r\n').ok).toBe(false);
    const good = withBcc('/LGZ5ZMD\r\n', '1.8.0(001234.567*kWh)\r\n!\r\n');
    const bad = `${good.slice(0, -1)}${String.fromCharCode((good.charCodeAt(good.length - 1) + 1) & 0x7f)}`;
    const r = decodeIecReadout(bad);
    expect(r.ok ? 'ok' : r.error.kind).toBe('bcc-mismatch');
  });

  it('reads an identification line with a space for the baud character as mode A', () => {
    const r = readout('/EMH ED300L\r\n1.8.0(000123.4*kWh)\r\n!\r\n');
    expect(r.identification).toMatchObject({ manufacturerId: 'EMH', baudChar: ' ', mode: 'A', maxBaud: 300, identification: 'ED300L' });
    expect(r.warnings?.[0]).toMatch(/space where the baud rate character belongs/);
  });

  it('reads a value with an empty unit in the unit meters print for it, and says so', () => {
    const r = readout('/ABC5x\r\n1.8.0(000123.4*)\r\n32.7.0(230.1*)\r\n!\r\n');
    expect(r.values).toMatchObject({ energyImportWh: 123_400, voltageL1V: 230.1 });
    expect(r.warnings).toEqual(['1.8.0: empty unit, read in the unit meters print for it', '32.7.0: empty unit, read in the unit meters print for it']);
  });

  it('skips noise between data sets and names the line; a broken data set is still an error', () => {
    const r = readout('/ABC5x\r\n1.8.0(000123.4*kWh)\r\n\x7f\x7f~~\r\n2.8.0(000001.0*kWh)\r\n!\r\n');
    expect(r.values).toMatchObject({ energyImportWh: 123_400, energyExportWh: 1000 });
    expect(r.warnings).toEqual(["line 2 is not a data set, skipped: '..~~'"]);
    const broken = decodeIecReadout('/ABC5x\r\n1.8.0(000123.4*kWh\r\n!\r\n');
    expect(broken.ok ? 'ok' : broken.error.kind).toBe('bad-data-set');
  });

  it('maps the power codes 1.7.255 and 21/41/61.7.255 to quantities', () => {
    const r = readout('/ABC5x\r\n1.7.255(001.234*kW)\r\n21.7.255(0.500*kW)\r\n41.7.255(0.400*kW)\r\n61.7.255(0.334*kW)\r\n!\r\n');
    expect(r.values).toMatchObject({ powerImportW: 1234, powerW: 1234, powerL1W: 500, powerL2W: 400, powerL3W: 334 });
    expect(r.warnings).toBeUndefined();
  });

  it('says nothing when the readout follows the standard', () => {
    const r = readout(withBcc('/LGZ5ZMD\r\n', '1.8.0(001234.567*kWh)\r\n!\r\n'));
    expect(r.warnings).toBeUndefined();
    expect(r.bccChecked).toBe(true);
  });
});
