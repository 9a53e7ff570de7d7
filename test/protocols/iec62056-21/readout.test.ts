import { describe, expect, it } from 'vitest';
import {
  createIecSplitter,
  decodeAckOptionSelect,
  decodeCommand,
  decodeIdentification,
  decodeIecReadout,
  decodeSignOnRequest,
  encodeAckOptionSelect,
  encodeCommand,
  encodeDataMessage,
  encodeIdentification,
  encodeIecReadout,
  encodeSignOnRequest,
  formatDataSet,
  type IecReadout,
} from '../../../protocols/iec62056-21/index.js';
import { IEC_ENTRIES, bytesOf, expectedValue, iecEntry, textOf } from './iec-fixtures.js';

function readout(text: string): IecReadout {
  const r = decodeIecReadout(text);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

const kind = (r: { ok: boolean; error?: { kind: string } }): string => (r.ok ? 'ok' : (r.error?.kind ?? '?'));

describe('IEC 62056-21 conformance readouts', () => {
  for (const e of IEC_ENTRIES.filter((x) => x.derived_data_sets !== undefined && x.raw_text !== undefined && !x.raw_text.startsWith('\u0001'))) {
    it(`reads every data set of ${e.id} as printed`, () => {
      const texts = e.id === 'iec-d0-hager-ehz-vzlogger' ? splitAll(e.raw_text!) : [e.raw_text!];
      const sets = texts.flatMap((t) => readout(t).dataSets);
      expect(sets.map((d) => ({ address: d.address, raw: formatDataSet(d).slice((d.address ?? '').length + 1, -1) }))).toEqual(
        e.derived_data_sets!.items.map((i) => ({ address: i.address, raw: i.raw })),
      );
      expect(e.raw_hex === undefined || textOf(Buffer.from(e.raw_hex, 'hex')) === e.raw_text).toBe(true);
    });
  }

  it('decodes the Landis+Gyr E350 mode C answer: identification, BCC, values in our units', () => {
    const e = iecEntry('iec-mode-c-landisgyr-zmf100ac-strommesser');
    const r = readout(e.raw_text!);
    expect(r.framing).toBe('block'); // BCC 0x01 checked
    expect(r.identification).toEqual({ manufacturerId: 'LGZ', baudChar: '4', mode: 'C', maxBaud: 4800, identification: 'ZMF100AC.M26' });
    expect(r.values).toMatchObject({ energyImportWh: 61_561_289, energyExportWh: 10_490, voltageL1V: 241, voltageL3V: 242, currentL1A: 0.35 });
    expect(r.energyByTariffWh).toEqual({ import: { '1': 42_951_721, '2': 18_609_568 }, export: { '1': 302, '2': 10_188 } });
    expect(r.meterId).toBe('13647123');
    // The sign-on exchange the capture came from.
    expect(textOf(Buffer.from(e.exchange!.request_hex!, 'hex'))).toBe(encodeSignOnRequest());
    expect(encodeAckOptionSelect({ protocolChar: '0', baudChar: '0', modeChar: '0' })).toBe(e.exchange!.ack_option_select);
  });

  it('reproduces the E350 answer byte for byte from its data sets', () => {
    const e = iecEntry('iec-mode-c-landisgyr-zmf100ac-strommesser');
    const r = readout(e.raw_text!);
    expect(textOf(encodeIecReadout({ identification: r.identification!, dataSets: r.dataSets }))).toBe(e.raw_text);
  });

  it('reads and writes the pwitab readout and answer messages, and rejects their wrong-BCC variants', () => {
    const ro = iecEntry('iec-pwitab-readout-data-message');
    const r = readout(ro.raw_text!);
    expect(r.lines).toHaveLength(expectedValue(ro, 'data_lines') as number);
    expect(r.lines[0]).toHaveLength(expectedValue(ro, 'data_sets_in_line_0') as number);
    expect(r.lines[0]).toEqual([expectedValue(ro, 'data_set_0'), expectedValue(ro, 'data_set_1')]);
    expect(textOf(encodeDataMessage(r.lines, { readout: true }))).toBe(ro.raw_text);
    expect(kind(decodeIecReadout(ro.raw_text!.slice(0, -1) + 'x'))).toBe('bcc-mismatch');

    const an = iecEntry('iec-pwitab-answer-data-message');
    expect(readout(an.raw_text!).dataSets).toEqual([expectedValue(an, 'data_set_0')]);
    expect(kind(decodeIecReadout('\x023:171.0(0)\x03\x11'))).toBe('bcc-mismatch');

    const rep = iecEntry('iec-pwitab-answer-data-message-to-representation');
    const lines = [[{ address: '3:14', value: '314', unit: 'kWh' }, { address: '4:15', value: '415', unit: 'kWh' }]];
    expect(textOf(encodeDataMessage(lines, { readout: false }))).toBe(rep.raw_text);
  });

  it('reads and writes the programming commands R1, P0, B0 and W2', () => {
    const r1 = iecEntry('iec-pwitab-command-read-r1');
    expect(decodeCommand(r1.raw_text!)).toEqual({ ok: true, value: { command: 'R', commandType: 1, dataSet: { address: '1.8.0', value: '1' } } });
    expect(textOf(encodeCommand({ command: 'R', commandType: 1, dataSet: { address: '1.8.0', value: '1' } }))).toBe(r1.raw_text);

    const p0 = iecEntry('iec-pwitab-command-password-p0');
    const p = decodeCommand(p0.raw_text!);
    expect(p.ok && p.value).toEqual({ command: 'P', commandType: 0, dataSet: { address: null, value: '1234567' } });
    expect(textOf(encodeCommand({ command: 'P', commandType: 0, dataSet: { address: null, value: '1234567' } }))).toBe(p0.raw_text);
    expect(kind(decodeCommand('\x01P0\x02(1234567)\x03X'))).toBe('bcc-mismatch');

    const b0 = iecEntry('iec-pwitab-command-break-b0');
    expect(decodeCommand(b0.raw_text!)).toEqual({ ok: true, value: { command: 'B', commandType: 0 } });
    expect(textOf(encodeCommand({ command: 'B', commandType: 0 }))).toBe(b0.raw_text);

    const w2 = iecEntry('iec-pwitab-command-write-w2-hex');
    const bytes = Buffer.from(w2.raw_hex!, 'hex');
    expect(bytes[bytes.length - 1]!.toString(16).toUpperCase()).toBe(expectedValue(w2, 'bcc'));
    expect(decodeCommand(bytes)).toEqual({ ok: true, value: { command: 'W', commandType: 2, dataSet: { address: 'C003', value: '910324092239' } } });
    expect(() => encodeCommand({ command: 'X' as 'R', commandType: 1 })).toThrow();
    expect(() => encodeCommand({ command: 'R', commandType: 12 })).toThrow();
  });

  it('reads and writes the sign-on messages', () => {
    const e = iecEntry('iec-pwitab-sign-on-messages');
    const [withAddress, noAddress, ack, ident] = e.messages!;
    expect(decodeSignOnRequest(withAddress!.raw_text)).toEqual({ ok: true, value: { deviceAddress: '45678903' } });
    expect(encodeSignOnRequest('45678903')).toBe(withAddress!.raw_text);
    expect(decodeSignOnRequest(noAddress!.raw_text)).toEqual({ ok: true, value: {} });
    expect(encodeSignOnRequest()).toBe(noAddress!.raw_text);
    expect(decodeAckOptionSelect(ack!.raw_text)).toEqual({ ok: true, value: { protocolChar: '0', baudChar: '5', modeChar: '1' } });
    expect(encodeAckOptionSelect({ protocolChar: '0', baudChar: '5', modeChar: '1' })).toBe(ack!.raw_text);
    // pwitab folds the '\2' enhanced-identification character into its identification
    // ('2EK280'); the standard's '/XXXZ\W ident' makes W = '2' and the identification 'EK280'.
    const id = decodeIdentification(ident!.raw_text);
    expect(id.ok && id.value).toEqual({ manufacturerId: 'Els', baudChar: '6', mode: 'C', maxBaud: 19200, enhancedId: '2', identification: 'EK280' });
    expect(id.ok && `${id.value.enhancedId}${id.value.identification}`).toBe('2EK280');
    expect(id.ok && encodeIdentification(id.value)).toBe(ident!.raw_text);
  });

  it('skips the echoed request before the L+G ZMD120 identification and reads its push', () => {
    const e = iecEntry('iec-d0-landisgyr-zmd120-vzlogger');
    const r = readout(e.raw_text!);
    expect(r.framing).toBe('push');
    expect(r.identification?.manufacturerId).toBe('LGZ');
    expect(r.dataSets).toHaveLength(expectedValue(e, 'reading_count') as number);
    // vzlogger asserts the kWh numbers without unit; our model keeps Wh.
    expect(r.energyByTariffWh.import['1']).toBe((expectedValue(e, '1.8.1') as number) * 1000);
    expect(r.energyByTariffWh.import['2']).toBe((expectedValue(e, '1.8.2') as number) * 1000);
    expect(r.energyByTariffWh.export['1']).toBe((expectedValue(e, '2.8.1') as number) * 1000);
    expect(r.values.energyImportWh).toBe(1_846_000);
  });

  it('splits the two Hager eHZ pushes and reads each, assuming kWh/kW where the meter prints no unit', () => {
    const e = iecEntry('iec-d0-hager-ehz-vzlogger');
    const [a, b] = splitAll(e.raw_text!).map(readout);
    expect(a!.dataSets).toHaveLength(expectedValue(e, 'telegram_1_reading_count') as number);
    expect(b!.dataSets).toHaveLength(expectedValue(e, 'telegram_2_reading_count') as number);
    expect(a!.dataSets[0]!.value).toBe('000001.2963');
    expect(a!.values.energyImportWh).toBe((expectedValue(e, '1-0:1.8.0*255') as number) * 1000);
    expect(b!.values.powerImportW).toBe((expectedValue(e, '1-0:1.7.0*255') as number) * 1000);
    expect(b!.dataSets[1]).toEqual({ address: '1-0:1.9.0*255', value: '000001.2965' });
  });

  it('skips a push it joined in the middle and reads the next whole one', () => {
    const e = iecEntry('iec-d0-hager-ehz-vzlogger');
    const frames = splitAll(e.raw_text!.slice(1)); // starts at 'HAG5eHZ…' like vzlogger's waitsync test
    expect(frames).toHaveLength(1);
    expect(readout(frames[0]!).dataSets.map((d) => d.address)).toEqual(['1-0:1.7.0*255', '1-0:1.9.0*255']);
  });

  it('reads the Hager eHZ161 push with a signed per-phase power and its meter id', () => {
    const r = readout(iecEntry('iec-d0-hager-ehz161wa-go-iec62056').raw_text!);
    expect(r.values).toMatchObject({ powerL2W: 26, voltageL2V: 228.38, currentL2A: 0.16, energyImportWh: 1296.3 });
    expect(r.meterId).toBe('1095100000067865');
  });

  it('names each way a readout can be wrong', () => {
    const e350 = iecEntry('iec-mode-c-landisgyr-zmf100ac-strommesser').raw_text!;
    expect(kind(decodeIecReadout(''))).toBe('empty');
    expect(kind(decodeIecReadout('hello'))).toBe('no-start');
    expect(kind(decodeIecReadout('/L\r\n\x02x\x03'))).toBe('bad-identification');
    expect(kind(decodeIecReadout(e350.slice(0, -2)))).toBe('no-etx');
    expect(kind(decodeIecReadout(e350.slice(0, -1)))).toBe('no-bcc');
    expect(kind(decodeIecReadout(`${e350}x`))).toBe('trailing-data');
    expect(kind(decodeIecReadout('/HAG5eHZ\r\n1.8.0(1*kWh)\r\n'))).toBe('no-end');
    expect(kind(decodeIecReadout('/HAG5eHZ\r\n1.8.0(1*kWh\r\n!\r\n'))).toBe('bad-data-set');
    expect(kind(decodeIecReadout('/HAG5eHZ\r\n1.8.0(1*kvar)\r\n!\r\n'))).toBe('bad-unit');
    expect(kind(decodeIecReadout('/HAG5eHZ\r\n1.8.0(abc*kWh)\r\n!\r\n'))).toBe('bad-value');
    expect(kind(decodeIecReadout('/HAG5eHZ\u20ac'))).toBe('not-text');
  });
});

function splitAll(text: string): string[] {
  const s = createIecSplitter();
  return [...s.push(bytesOf(text)), ...s.end()].map(textOf);
}

describe('IEC 62056-21 units', () => {
  it('scales kilo and mega units and tells mega from milli', () => {
    const values = (ds: string): unknown => {
      const r = decodeIecReadout(`/ABC5x\r\n${ds}\r\n!\r\n`);
      return r.ok ? r.value.values : r.error.kind;
    };
    expect(values('1.8.0(1.5*MWh)')).toEqual({ energyImportWh: 1_500_000 });
    expect(values('1.8.0(1.5*KWH)')).toEqual({ energyImportWh: 1500 });
    expect(values('3.8.0(2*kVArh)')).toEqual({ reactiveEnergyImportVarh: 2000 });
    expect(values('1.7.0(250*W)')).toEqual({ powerImportW: 250, powerW: 250 });
    expect(values('31.7.0(1500*mA)')).toEqual({ currentL1A: 1.5 });
    expect(values('1.7.0(250*mW)')).toBe('bad-unit');
  });

  it('leaves stored billing-period values out of the current values', () => {
    const r = decodeIecReadout('/ABC5x\r\n1.8.0*01(000090.000*kWh)\r\n1.8.0(000100.000*kWh)\r\n1-0:2.8.0*255(000001.000*kWh)\r\n2.8.0&02(5*kWh)\r\n!\r\n');
    expect(r.ok && r.value.values).toEqual({ energyImportWh: 100_000, energyExportWh: 1000 });
    expect(r.ok && r.value.dataSets).toHaveLength(4);
  });
});
