// Fuzzing the text-protocol decoders (DSMR P1, IEC 62056-21): random bytes, token soup, and
// mutated real telegrams — half of them with the CRC/BCC recomputed after the mutation, so they
// get past the checksum into the line and value parsers. Every call must return a Result; a
// throw is counted under 'THREW' and is a bug.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createP1Splitter, decodeP1Ciphered, decodeP1Telegram } from '../../protocols/dsmr/index.js';
import { encryptGlo } from '../../protocols/han/cipher.js';
import { bcc, decodeCommand, decodeIecReadout } from '../../protocols/iec62056-21/index.js';
import { crc16Arc } from '../../protocols/checksums/crc16-arc.js';
import type { Result } from '../../core/result.js';
import { startDecoder, timeCase, unitRandom, type FuzzRow } from './fuzz-kit.js';

const rng = unitRandom;

function fixtureTexts(file: string): string[] {
  const path = fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));
  const entries = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Array<{ raw_text?: string }> }).entries;
  return entries.flatMap((e) => (e.raw_text !== undefined ? [e.raw_text] : []));
}

/** Readouts in the shapes real meters send beyond the standard (space for the baud character, '!' on the last line, mode A without ETX, empty units, noise). */
const IEC_TOLERATED = [
  '/EMH ED300L\r\n1.8.0(000123.4*kWh)\r\n2.8.0(000001.0*)\r\n!\r\n',
  '/ISK5MT174-0001\r\n1.8.0(0001234.5*kWh)\r\n\x7f\x7f~~\r\n21.7.255(0.500*kW)\r\n2.8.0(0000012.3*kWh)!\r\n',
  '/ABBG1CE100\r\n\x021.8.0(001234.567*kWh)\r\n1.7.255(-000142.30*W)\r\n!\r\n',
];

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const TOKENS = ['/', '!', '(', ')', '*', '\r\n', '\n', '\x02', '\x03', '\x01', '1-0:1.8.1', '0-1:24.2.1', '1.8.0', '32.7', 'kWh', 'kW', 'V', 'm3', '000123.456', '632525252525S', '170102192002W', 'ISk5\\2', 'LGZ4', 'R1', '\x06050\r\n', '36.7', ''];

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
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
    else b.splice(at, 0, ...bytesOf(TOKENS[Math.floor(next() * TOKENS.length)] as string));
  }
  return Uint8Array.from(b);
}

/** Mutates a P1 telegram's body and writes a CRC that matches the result. */
function mutateP1Inside(text: string, next: () => number): Uint8Array {
  const bang = text.lastIndexOf('\n!') + 2;
  if (bang < 2 || text.length < bang + 5) return mutate(bytesOf(text), next);
  const body = mutate(bytesOf(text.slice(0, bang - 1)), next);
  const withBang = Uint8Array.from([...body, 0x21]);
  const crc = crc16Arc(withBang).toString(16).toUpperCase().padStart(4, '0');
  return Uint8Array.from([...withBang, ...bytesOf(`${crc}\r\n`)]);
}

/** Mutates what an IEC data block holds and writes a BCC that matches. */
function mutateIecInside(text: string, next: () => number): Uint8Array {
  const stx = text.indexOf('\x02');
  const etx = text.lastIndexOf('\x03');
  if (stx < 0 || etx < stx) return mutate(bytesOf(text), next);
  const inner = mutate(bytesOf(text.slice(stx + 1, etx)), next).filter((b) => b !== 0x03);
  const out = Uint8Array.from([...bytesOf(text.slice(0, stx + 1)), ...inner, 0x03, 0]);
  out[out.length - 1] = bcc(out, stx + 1, out.length - 1);
  return out;
}

function caseFor(seeds: string[], inside: (t: string, n: () => number) => Uint8Array, next: () => number): Uint8Array {
  const r = next();
  const seed = seeds[Math.floor(next() * seeds.length)] as string;
  if (r < 0.4) return inside(seed, next);
  if (r < 0.75) return mutate(bytesOf(seed), next);
  if (r < 0.9) {
    const n = Math.floor(next() * 60);
    return bytesOf(Array.from({ length: n }, () => TOKENS[Math.floor(next() * TOKENS.length)]).join(''));
  }
  return Uint8Array.from({ length: Math.floor(next() * 1200) }, () => Math.floor(next() * 256));
}

/** `inputs` generated inputs, each standing for `perInput` cases (telegrams in a stream). */
function run(
  decoder: string,
  inputCount: number,
  make: (next: () => number) => Uint8Array,
  decode: (b: Uint8Array) => Array<Result<unknown, string>>,
  perInput = 1,
): FuzzRow {
  const next = rng(0x5eed ^ (decoder.length * 7919));
  const inputs = Array.from({ length: inputCount }, () => make(next));
  const row: FuzzRow = { decoder, cases: inputCount * perInput, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
  startDecoder(decoder);
  const t0 = performance.now();
  for (const [i, input] of inputs.entries()) {
    let results: Array<Result<unknown, string>>;
    try {
      results = timeCase(row, i, () => decode(input));
    } catch {
      row.byKind.THREW = (row.byKind.THREW ?? 0) + 1;
      continue;
    }
    for (const r of results) {
      if (r.ok) row.decoded++;
      else {
        row.rejected++;
        row.byKind[r.error.kind] = (row.byKind[r.error.kind] ?? 0) + 1;
      }
    }
  }
  row.ms = Math.round(performance.now() - t0);
  return row;
}

const P1_KEYS = { encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => i + 1), authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 200 - i) };
const P1_TITLE = Uint8Array.from('SAGY0001', (c) => c.charCodeAt(0));

export function fuzzText(cases: number): FuzzRow[] {
  const p1 = [...fixtureTexts('conformance/dsmr-telegrams.json'), ...fixtureTexts('captures/p1-telegrams.json')];
  const iec = [...fixtureTexts('conformance/iec62056-21-readouts.json'), ...fixtureTexts('captures/iec62056-21-readouts.json'), ...IEC_TOLERATED];
  const commands = iec.filter((t) => t.startsWith('\x01'));
  return [
    run('dsmr-p1', cases, (n) => caseFor(p1, mutateP1Inside, n), (b) => [decodeP1Telegram(b)]),
    // Streams of 10 damaged telegrams back to back, through the splitter.
    run(
      'dsmr-p1-stream',
      Math.max(1, Math.ceil(cases / 10)),
      (n) => Uint8Array.from(Array.from({ length: 10 }, () => [...caseFor(p1, mutateP1Inside, n)]).flat()),
      (b) => {
        const s = createP1Splitter();
        return [...s.push(b), ...s.end()].map((f) => decodeP1Telegram(f));
      },
      10,
    ),
    // Ciphered P1 (Smarty): damaged telegrams ciphered, and damaged ciphered frames.
    run(
      'dsmr-p1-ciphered',
      cases,
      (n) => {
        const frame = encryptGlo({ ...P1_KEYS, systemTitle: P1_TITLE, frameCounter: Math.floor(n() * 0xffffffff), plaintext: caseFor(p1, mutateP1Inside, n) });
        return n() < 0.5 ? frame : mutate(frame, n);
      },
      (b) => [decodeP1Ciphered(b, P1_KEYS)],
    ),
    run('iec62056-21-readout', cases, (n) => caseFor(iec, mutateIecInside, n), (b) => [decodeIecReadout(b)]),
    // The opt-in path for published text whose BCC was edited: it must stay as safe as the strict one.
    run('iec62056-21-unchecked', cases, (n) => caseFor(iec, mutateIecInside, n), (b) => [decodeIecReadout(b, { bccMismatch: 'decode-unchecked' })]),
    run('iec62056-21-command', cases, (n) => caseFor(commands, (t, nx) => mutate(bytesOf(t), nx), n), (b) => [decodeCommand(b)]),
  ];
}

// Run directly: `npx tsx test/bench/fuzz-text.ts [cases]` prints a table and then JSON.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = fuzzText(Number(process.argv[2] ?? 100_000));
  for (const r of rows) {
    const kinds = Object.entries(r.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ');
    process.stdout.write(`${r.decoder.padEnd(22)} ${String(r.cases).padStart(7)} cases  ${String(r.decoded).padStart(7)} decoded  ${String(r.rejected).padStart(7)} rejected  ${String(r.ms).padStart(6)} ms  ${kinds}\n`);
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}
