import { describe, expect, it } from 'vitest';
import {
  createModeCSession,
  dataSetsFromValues,
  decodeAckOptionSelect,
  decodeSignOnRequest,
  encodeIecReadout,
  type IecSessionAction,
} from '../../../protocols/iec62056-21/index.js';
import { bytesOf, iecEntry, textOf } from './iec-fixtures.js';

const E350 = iecEntry('iec-mode-c-landisgyr-zmf100ac-strommesser').raw_text!;

function sent(actions: IecSessionAction[]): string[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [textOf(a.bytes)] : []));
}

/** Feeds `bytes` in chunks of `size`, collecting every action. */
function feed(session: ReturnType<typeof createModeCSession>, bytes: Uint8Array, size: number): IecSessionAction[] {
  const out: IecSessionAction[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...session.receive(bytes.subarray(i, i + size)));
  return out;
}

describe('IEC 62056-21 mode C readout session', () => {
  it('signs on, acknowledges at the highest common baud rate, switches, and reads the data', () => {
    const s = createModeCSession({ maxBaud: 9600 });
    const first = s.start();
    expect(sent(first)).toEqual(['/?!\r\n']);
    expect(decodeSignOnRequest(sent(first)[0]!).ok).toBe(true);
    expect(first).toContainEqual({ kind: 'await', timeoutMs: 2000 });
    expect(s.state).toBe('identification');

    const idLine = E350.slice(0, E350.indexOf('\n') + 1);
    // The optical head echoes our request before the meter's identification.
    const afterId = feed(s, bytesOf(`/?!\r\n${idLine}`), 3);
    const ack = sent(afterId)[0]!;
    expect(decodeAckOptionSelect(ack)).toEqual({ ok: true, value: { protocolChar: '0', baudChar: '4', modeChar: '0' } });
    // The ACK goes out at 300 baud, then the port switches to the meter's 4800.
    expect(afterId.map((a) => a.kind)).toEqual(['send', 'set-baud', 'await']);
    expect(afterId[1]).toEqual({ kind: 'set-baud', baud: 4800 });
    expect(s.state).toBe('data');

    const data = feed(s, bytesOf(`\x06040\r\n${E350.slice(idLine.length)}`), 7);
    const done = data.find((a) => a.kind === 'done');
    expect(done?.kind === 'done' && done.readout.values.energyImportWh).toBe(61_561_289);
    expect(s.state).toBe('done');
    expect(s.identification?.manufacturerId).toBe('LGZ');
  });

  it('asks for no more than the port can do', () => {
    const s = createModeCSession({ maxBaud: 2400, address: '12345678' });
    expect(sent(s.start())).toEqual(['/?12345678!\r\n']);
    const actions = s.receive(bytesOf('/LGZ5ZMD120\r\n'));
    expect(sent(actions)).toEqual(['\x06030\r\n']);
    expect(actions).toContainEqual({ kind: 'set-baud', baud: 2400 });
  });

  it('sends no acknowledgement to a mode A meter and switches baud without one for mode B', () => {
    const a = createModeCSession();
    a.start();
    expect(a.receive(bytesOf('/ABC:meter\r\n')).map((x) => x.kind)).toEqual(['await']);
    const b = createModeCSession();
    b.start();
    expect(b.receive(bytesOf('/ABCEmeter\r\n'))).toEqual([
      { kind: 'set-baud', baud: 9600 },
      { kind: 'await', timeoutMs: 5000 },
    ]);
  });

  it('fails on silence, on a bad identification and on a wrong BCC', () => {
    const quiet = createModeCSession();
    quiet.start();
    expect(quiet.timeout()).toEqual([{ kind: 'failed', error: { kind: 'timeout', detail: 'no identification from the meter' } }]);
    expect(quiet.receive(bytesOf('/LGZ4x\r\n'))).toEqual([]);

    const garbled = createModeCSession();
    garbled.start();
    expect(garbled.receive(bytesOf('\x7f\x00junk\r\n'))[0]).toMatchObject({ kind: 'failed', error: { kind: 'bad-identification' } });

    const bad = createModeCSession();
    bad.start();
    const broken = E350.slice(0, -1) + '\x02';
    const out = feed(bad, bytesOf(broken), 50);
    expect(out.at(-1)).toMatchObject({ kind: 'failed', error: { kind: 'bcc-mismatch' } });
    expect(bad.state).toBe('failed');
  });

  it('gives up on a meter that talks without end', () => {
    const s = createModeCSession({ maxBytes: 1000 });
    s.start();
    s.receive(bytesOf('/LGZ4ZMF100AC.M26\r\n'));
    const out = feed(s, bytesOf(`\x02${'1.8.0(1*kWh)\r\n'.repeat(100)}`), 64);
    expect(out.at(-1)).toMatchObject({ kind: 'failed', error: { kind: 'too-long' } });
  });

  it('reads back what the simulator encoder sends for a set of values', () => {
    const values = { energyImportWh: 1_234_567, energyExportWh: 89, powerW: 1530, voltageL1V: 231.4, currentL1A: 6.62 };
    const wire = encodeIecReadout({
      identification: { manufacturerId: 'LGZ', baudChar: '5', identification: 'ZMF100AC.M26' },
      dataSets: dataSetsFromValues(values, '13647123'),
    });
    const s = createModeCSession();
    s.start();
    const out = feed(s, wire, 16);
    const done = out.find((a) => a.kind === 'done');
    if (done?.kind !== 'done') throw new Error(JSON.stringify(out.at(-1)));
    expect(done.readout.values).toMatchObject({ ...values, powerImportW: 1530, powerExportW: 0 });
    expect(done.readout.meterId).toBe('13647123');
  });
});

describe('IEC 62056-21 mode C session, byte by byte', () => {
  it('reads a readout fed one byte at a time, echo of the ACK included', () => {
    const s = createModeCSession();
    s.start();
    const out = feed(s, bytesOf(`/?!\r\n${E350.slice(0, E350.indexOf('\n') + 1)}\x06040\r\n${E350.slice(E350.indexOf('\n') + 1)}`), 1);
    const done = out.find((a) => a.kind === 'done');
    expect(done?.kind === 'done' && done.readout.dataSets).toHaveLength(22);
  });

  it('gives up on an identification that never ends instead of buffering it', () => {
    const s = createModeCSession();
    s.start();
    const out = feed(s, bytesOf(`/LGZ4${'x'.repeat(200)}`), 1);
    expect(out.at(-1)).toMatchObject({ kind: 'failed', error: { kind: 'bad-identification' } });
  });
});
