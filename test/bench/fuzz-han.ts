// Fuzzing the HAN decoders: random bytes and mutated real frames (mutations land inside the
// information field and the checksums are recomputed, so they reach the DLMS decoder). Every
// call must return a Result; a throw is counted under 'THREW' and is a bug.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHanReader, decodeHanFrame, decodeHanInformation, encodeHanFrame, encodeHdlcFrame, encryptGlo, parseHdlcFrame } from '../../protocols/han/index.js';
import type { Result } from '../../protocols/result.js';

export interface FuzzRow {
  decoder: string;
  cases: number;
  decoded: number;
  rejected: number;
  byKind: Record<string, number>;
  ms: number;
}

/** xorshift32: deterministic cases for a given seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const KEYS = { encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i * 17), authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 255 - i) };

function seedFrames(): Uint8Array[] {
  const path = fileURLToPath(new URL('../fixtures/conformance/han-frames.json', import.meta.url));
  const entries = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Array<{ raw_hex: string }> }).entries;
  const frames: Uint8Array[] = entries.filter((e) => e.raw_hex.startsWith('7E')).map((e) => new Uint8Array(Buffer.from(e.raw_hex, 'hex')));
  const values = { powerImportW: 1234, currentL1A: 5.5, voltageL1V: 230.1, energyImportWh: 123456 };
  for (const layout of ['aidon', 'kaifa', 'kamstrup'] as const) {
    frames.push(encodeHanFrame({ layout, list: 3, meterTimeMs: Date.UTC(2024, 0, 1), meterId: '123', meterModel: 'X', values }));
  }
  return frames;
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

function run(decoder: string, cases: number, one: (i: number, row: FuzzRow) => void): FuzzRow {
  const row: FuzzRow = { decoder, cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < cases; i++) {
    try {
      one(i, row);
    } catch (err) {
      row.byKind.THREW = (row.byKind.THREW ?? 0) + 1;
      if (row.byKind.THREW < 4) process.stderr.write(`fuzz ${decoder} case ${i} threw: ${String(err)}\n`);
    }
  }
  row.ms = Math.round((performance.now() - t0) * 10) / 10;
  return row;
}

export function fuzzHan(cases: number, seed = 0x4a4e): Array<FuzzRow> {
  const frames = seedFrames();
  const ciphered = encryptedSeeds();
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] as T;

  const hdlc = run('han-frame', cases, (i, row) => {
    const input = i % 4 === 0 ? randomBytes(next, 600) : i % 4 === 1 ? mutate(pick(frames), next) : mutateInside(pick(frames), next);
    tally(row, decodeHanFrame(input));
  });
  const llc = run('han-information', cases, (i, row) => {
    const h = parseHdlcFrame(pick(frames));
    const info = h.ok ? h.value.information : new Uint8Array(0);
    tally(row, decodeHanInformation(i % 5 === 0 ? randomBytes(next, 400) : mutate(info, next)));
  });
  const enc = run('han-ciphered', cases, (i, row) => {
    if (i % 3 === 2) {
      // Mutate the plaintext before ciphering, so the decoder behind the GCM layer is reached.
      const h = parseHdlcFrame(pick(frames));
      const plain = mutate(h.ok ? h.value.information.subarray(3) : new Uint8Array(0), next);
      const apdu = encryptGlo({ ...KEYS, systemTitle: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), frameCounter: i, plaintext: plain });
      const frame = encodeHdlcFrame({ destination: 0x41, source: 0x0883, control: 0x13, information: Uint8Array.from([0xe6, 0xe7, 0x00, ...apdu]) });
      tally(row, decodeHanFrame(frame, KEYS));
      return;
    }
    const f = pick(ciphered);
    tally(row, decodeHanFrame(i % 3 === 0 ? mutate(f, next) : mutateInside(f, next), KEYS));
  });
  const reader = run('han-reader', cases, (_i, row) => {
    const r = createHanReader({ maxBufferBytes: 4096 });
    const stream = Buffer.concat([mutate(pick(frames), next), pick(frames), randomBytes(next, 64), mutateInside(pick(frames), next)]);
    let at = 0;
    const results = [];
    while (at < stream.length) {
      const n = 1 + Math.floor(next() * 200);
      results.push(...r.push(stream.subarray(at, at + n)));
      at += n;
    }
    results.push(...r.flush());
    if (results.length === 0) {
      row.rejected++;
      row.byKind['no-output'] = (row.byKind['no-output'] ?? 0) + 1;
    }
    for (const o of results) tally(row, o.result);
    row.cases = cases;
  });
  return [hdlc, llc, enc, reader];
}
