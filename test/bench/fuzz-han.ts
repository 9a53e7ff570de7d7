// Fuzzing the HAN decoders: random bytes and mutated real frames (mutations land inside the
// information field and the checksums are recomputed, so they reach the DLMS decoder). Every
// call must return a Result; a throw is counted under 'THREW' and is a bug.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHanReader, decodeHanFrame, decodeHanInformation, encodeHanFrame, encodeHdlcFrame, encryptGlo, parseHdlcFrame } from '../../protocols/han/index.js';
import type { Result } from '../../core/result.js';
import { hanReaderOptions } from '../../gateway/acquisition/han-options.js';
import { hanDecoder } from '../../gateway/acquisition/push-decoders.js';
import { startDecoder, timeCase, unitRandom, type FuzzRow } from './fuzz-kit.js';

/** Seeded, so a failing case replays from its seed. */
export const rng = unitRandom;

const KEYS = { encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i * 17), authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 255 - i) };

function seedFrames(): Uint8Array[] {
  const path = fileURLToPath(new URL('../fixtures/conformance/han-frames.json', import.meta.url));
  const entries = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Array<{ raw_hex: string }> }).entries;
  const frames: Uint8Array[] = entries.filter((e) => e.raw_hex.startsWith('7E')).map((e) => new Uint8Array(Buffer.from(e.raw_hex, 'hex')));
  frames.push(...captureFrames());
  const values = { powerImportW: 1234, currentL1A: 5.5, voltageL1V: 230.1, energyImportWh: 123456 };
  for (const layout of ['aidon', 'kaifa', 'kamstrup'] as const) {
    frames.push(encodeHanFrame({ layout, list: 3, meterTimeMs: Date.UTC(2024, 0, 1), meterId: '123', meterModel: 'X', values }));
  }
  return frames;
}

/** The real captures (OBIS lists, positional lists, capture-object pushes), each as an HDLC frame. */
function captureFrames(): Uint8Array[] {
  const path = fileURLToPath(new URL('../fixtures/captures/han-amsreader.json', import.meta.url));
  const entries = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Array<{ raw_hex: string; framing: string }> }).entries;
  return entries.map((e) => {
    const bytes = new Uint8Array(Buffer.from(e.raw_hex, 'hex'));
    if (e.framing === 'hdlc') return bytes;
    const information = e.framing === 'llc' ? bytes : Uint8Array.from([0xe6, 0xe7, 0x00, ...bytes]);
    return encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information });
  });
}

function encryptedSeeds(): Uint8Array[] {
  return (['aidon', 'kaifa', 'kamstrup'] as const).map((layout) =>
    encodeHanFrame({
      layout, list: 2, meterTimeMs: Date.UTC(2024, 5, 1), meterId: '9', meterModel: 'E', values: { powerImportW: 42 },
      encryption: { ...KEYS, systemTitle: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), frameCounter: 5 },
    }),
  );
}

const LENGTHY = [0x81, 0x82, 0x83, 0xff, 0x7f, 0x00, 0x01, 0x02, 0x09, 0x0a, 0x0c, 0xdb];

/** One mutation of a byte string: flip, set, insert, delete, truncate, or a suspicious length. */
export function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const b = Array.from(bytes);
  const n = 1 + Math.floor(next() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(next() * Math.max(1, b.length));
    const op = Math.floor(next() * 6);
    if (op === 0 && b.length) b[at] = (b[at] as number) ^ (1 << Math.floor(next() * 8));
    else if (op === 1 && b.length) b[at] = Math.floor(next() * 256);
    else if (op === 2) b.splice(at, 0, Math.floor(next() * 256));
    else if (op === 3 && b.length) b.splice(at, 1);
    else if (op === 4) b.length = Math.floor(next() * b.length);
    else b.splice(at, 0, LENGTHY[Math.floor(next() * LENGTHY.length)] as number, Math.floor(next() * 256));
  }
  return Uint8Array.from(b);
}

/** Mutates the information field and rebuilds the frame with valid length, HCS and FCS. */
export function mutateInside(frame: Uint8Array, next: () => number): Uint8Array {
  const h = parseHdlcFrame(frame);
  if (!h.ok) return mutate(frame, next);
  const info = mutate(h.value.information, next).subarray(0, 2000);
  return encodeHdlcFrame({ destination: h.value.destination, source: h.value.source, control: h.value.control, information: info });
}

function randomBytes(next: () => number, max: number): Uint8Array {
  return Uint8Array.from({ length: Math.floor(next() * max) }, () => Math.floor(next() * 256));
}

function tally(row: FuzzRow, r: Result<unknown>): void {
  if (r.ok) row.decoded++;
  else {
    row.rejected++;
    row.byKind[r.error.kind] = (row.byKind[r.error.kind] ?? 0) + 1;
  }
}

/**
 * Generates all inputs first, then times only the decoding: `ms` is decoder time, not the
 * cost of building mutations.
 */
function run<I>(decoder: string, cases: number, generate: (i: number) => I, decode: (input: I, row: FuzzRow) => void): FuzzRow {
  const row: FuzzRow = { decoder, cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
  const inputs = Array.from({ length: cases }, (_, i) => generate(i));
  startDecoder(decoder);
  const t0 = performance.now();
  inputs.forEach((input, i) => {
    try {
      timeCase(row, i, () => decode(input, row));
    } catch (err) {
      row.byKind.THREW = (row.byKind.THREW ?? 0) + 1;
      if (row.byKind.THREW < 4) process.stderr.write(`fuzz ${decoder} case ${i} threw: ${String(err)}\n`);
    }
  });
  row.ms = Math.round((performance.now() - t0) * 10) / 10;
  return row;
}

export function fuzzHan(cases: number, seed = 0x4a4e): Array<FuzzRow> {
  const frames = seedFrames();
  const ciphered = encryptedSeeds();
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] as T;

  const hdlc = run(
    'han-frame',
    cases,
    (i) => (i % 4 === 0 ? randomBytes(next, 600) : i % 4 === 1 ? mutate(pick(frames), next) : mutateInside(pick(frames), next)),
    (input, row) => tally(row, decodeHanFrame(input)),
  );
  const infos = frames.map((f) => {
    const h = parseHdlcFrame(f);
    return h.ok ? h.value.information : new Uint8Array(0);
  });
  const llc = run(
    'han-information',
    cases,
    (i) => (i % 5 === 0 ? randomBytes(next, 400) : mutate(pick(infos), next)),
    (input, row) => tally(row, decodeHanInformation(input)),
  );
  const enc = run(
    'han-ciphered',
    cases,
    (i) => {
      if (i % 3 !== 2) return i % 3 === 0 ? mutate(pick(ciphered), next) : mutateInside(pick(ciphered), next);
      // Mutate the plaintext before ciphering, so the decoder behind the GCM layer is reached.
      const plain = mutate(pick(infos).subarray(3), next);
      const apdu = encryptGlo({ ...KEYS, systemTitle: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), frameCounter: i, plaintext: plain });
      return encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information: Uint8Array.from([0xe6, 0xe7, 0x00, ...apdu]) });
    },
    (input, row) => tally(row, decodeHanFrame(input, KEYS)),
  );
  const reader = run(
    'han-reader',
    cases,
    () => {
      const stream = Buffer.concat([mutate(pick(frames), next), pick(frames), randomBytes(next, 64), mutateInside(pick(frames), next)]);
      const cuts: number[] = [];
      for (let at = 0; at < stream.length; at += 1 + Math.floor(next() * 200)) cuts.push(at);
      return { stream, cuts };
    },
    ({ stream, cuts }, row) => {
      const r = createHanReader({ maxBufferBytes: 4096 });
      const results = [];
      for (let k = 0; k < cuts.length; k++) results.push(...r.push(stream.subarray(cuts[k], cuts[k + 1] ?? stream.length)));
      results.push(...r.flush());
      if (results.length === 0) {
        row.rejected++;
        row.byKind['no-output'] = (row.byKind['no-output'] ?? 0) + 1;
      }
      for (const o of results) tally(row, o.result);
    },
  );
  return [hdlc, llc, enc, reader];
}

/** The device options (country variant, scaler overrides) take other paths through the layouts. */
export function fuzzHanOptions(cases: number, seed = 0x0b75): FuzzRow[] {
  const frames = seedFrames();
  const infos = frames.map((f) => {
    const h = parseHdlcFrame(f);
    return h.ok ? h.value.information : new Uint8Array(0);
  });
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return [
    run(
      'han-information-options',
      cases,
      () => mutate(pick(infos), next),
      (input, row) => tally(row, decodeHanInformation(input, { country: 'SE', scalers: { '31.7.0': -3, '1-1:32.7.0.255': 0, '13.7.0': -3 } })),
    ),
    // The gateway's own path: a config's devices[].han options through hanReaderOptions and the
    // push decoder. A damaged frame (inside its framing, or anywhere) is followed by a whole one
    // so the reader always answers; one outcome per case: the first result.
    run(
      'han-push-config-options',
      cases,
      () => ({
        bytes: Buffer.concat([next() < 0.7 ? mutateInside(pick(frames), next) : mutate(pick(frames), next), pick(frames)]),
        country: pick(['SE', 'DK', 'NO', 'FI'] as const),
        zone: pick(['Europe/Oslo', 'Europe/Helsinki']),
      }),
      ({ bytes, country, zone }, row) => {
        const decoder = hanDecoder(hanReaderOptions({ han: { country, scalers: { '31.7.0': -3, '1-0:32.7.0.255': -1 } } }, zone));
        const first = decoder.push(bytes)[0];
        if (first === undefined) {
          row.rejected++;
          row.byKind['no-output'] = (row.byKind['no-output'] ?? 0) + 1;
        } else tally(row, first);
      },
    ),
  ];
}
