import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createIecSplitter, dataSetsFromValues, decodeIecReadout, encodeIecReadout } from '../../../protocols/iec62056-21/index.js';
import { bytesOf, iecEntry, textOf } from './iec-fixtures.js';

const E350 = bytesOf(iecEntry('iec-mode-c-landisgyr-zmf100ac-strommesser').raw_text!);
const HAGER = bytesOf(iecEntry('iec-d0-hager-ehz161wa-go-iec62056').raw_text!);
const PUSH = encodeIecReadout({
  identification: { manufacturerId: 'HAG', baudChar: '5', identification: 'eHZ010C_EHZ1vA02' },
  dataSets: [{ address: '1-0:1.8.0*255', value: '000123.4567', unit: 'kWh' }, { address: '1-0:16.7.0*255', value: '-000512', unit: 'W' }],
  framing: 'push',
});
const ALL = [E350, HAGER, PUSH];

describe('IEC 62056-21 stream splitter', () => {
  it('hands out block readouts and pushes whole, whatever the chunking and the garbage between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: ALL.length - 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.uint8Array({ maxLength: 20 }).map((g) => g.filter((b) => b !== 0x2f && b !== 0x02)),
        (picks, cuts, garbage) => {
          const stream = Uint8Array.from(picks.flatMap((i) => [...garbage, ...ALL[i]!]));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const s = createIecSplitter();
          const frames: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            frames.push(...s.push(stream.subarray(from, p)));
            from = p;
          }
          expect(frames.map(textOf)).toEqual(picks.map((i) => textOf(ALL[i]!)));
          expect(frames.every((f) => decodeIecReadout(f).ok)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps its buffer bounded when a readout never ends', () => {
    const s = createIecSplitter({ maxBufferBytes: 512 });
    const endless = bytesOf(`/LGZ4ZMF100AC.M26\r\n\x02${'1.8.0(000001.000*kWh)\r\n'.repeat(100)}`);
    expect(s.push(endless)).toEqual([]);
    expect(s.buffered).toBeLessThanOrEqual(512);
    expect(s.stats.overflows).toBeGreaterThan(0);
    expect(s.push(HAGER).map(textOf)).toEqual([textOf(HAGER)]);
  });

  it('round-trips a mode D push written by the simulator encoder', () => {
    const r = decodeIecReadout(PUSH);
    expect(r.ok && r.value.framing).toBe('push');
    expect(r.ok && r.value.values).toEqual({ energyImportWh: 123_456.7, powerW: -512 });
    const values = { energyImportWh: 42_000, voltageL2V: 229.9, currentL3A: 1.25 };
    const block = decodeIecReadout(encodeIecReadout({ identification: { manufacturerId: 'LGZ', baudChar: '4', identification: 'x' }, dataSets: dataSetsFromValues(values) }));
    expect(block.ok && block.value.values).toEqual(values);
  });
});
