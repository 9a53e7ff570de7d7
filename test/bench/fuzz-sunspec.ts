// Fuzzing the SunSpec decoders with seeded random inputs: discovery over register images,
// model blocks, and dump texts. Wired into `npm run bench:fuzz` by fuzz.bench.ts; runnable on
// its own (`npx tsx test/bench/fuzz-sunspec.ts [cases]`).
import { pathToFileURL } from 'node:url';
import {
  BASE_CANDIDATES,
  buildSunSpecImage,
  MODELS,
  decodeModel,
  mapReader,
  parseRegisterDump,
  readSunSpecDevice,
  SUPPORTED_MODEL_IDS,
} from '../../protocols/sunspec/index.js';
import { xorshift32, type FuzzRow } from './fuzz-kit.js';

const rng = xorshift32;

function count(byKind: Record<string, number>, kind: string): void {
  byKind[kind] = (byKind[kind] ?? 0) + 1;
}

/** Half the images are well-formed devices with random values, then a few words flipped. */
function plausibleImage(next: () => number): Map<number, number> {
  const ids = Array.from({ length: 1 + (next() % 4) }, () => SUPPORTED_MODEL_IDS[next() % SUPPORTED_MODEL_IDS.length] ?? 1);
  const models = ids.map((id) => {
    const def = MODELS.get(id);
    const points: Record<string, number | string> = {};
    for (const p of def?.points ?? []) {
      if (p.type === 'sunssf' || p.type === 'pad' || next() % 5 === 0) continue;
      points[p.name] = p.type === 'string' ? `x${next() % 1000}` : p.type === 'int16' ? (next() % 2000) - 1000 : next() % 5000;
    }
    if (def?.repeating) for (let g = 0; g < next() % 3; g++) points[`${def.repeating.name}.${g}.DCW`] = next() % 3000;
    return { id, points };
  });
  const image = buildSunSpecImage({ baseAddress: BASE_CANDIDATES[next() % 3] ?? 40000, models });
  const map = new Map<number, number>();
  image.registers.forEach((w, i) => map.set(image.start + i, w));
  for (let flips = next() % 3; flips > 0; flips--) map.set(image.start + (next() % image.registers.length), next() & 0xffff);
  return map;
}

function randomImage(next: () => number): Map<number, number> {
  if (next() % 2 === 0) return plausibleImage(next);
  const base = [...BASE_CANDIDATES, 1, 65530][next() % 5] ?? 40000;
  const words: number[] = next() % 8 === 0 ? [next() & 0xffff, next() & 0xffff] : [0x5375, 0x6e53];
  const models = next() % 6;
  for (let m = 0; m < models; m++) {
    const known = next() % 4 !== 0;
    const id = known ? (SUPPORTED_MODEL_IDS[next() % SUPPORTED_MODEL_IDS.length] ?? 1) : next() & 0xffff;
    const length = next() % 10 === 0 ? next() & 0xffff : next() % 130;
    words.push(id, length);
    for (let i = 0; i < Math.min(length, 300); i++) words.push(next() % 3 === 0 ? 0xffff : next() & 0xffff);
  }
  if (next() % 3 !== 0) words.push(0xffff, 0);
  const keep = next() % 4 === 0 ? next() % (words.length + 1) : words.length;
  const map = new Map<number, number>();
  for (let i = 0; i < keep && base + i <= 0xffff; i++) map.set(base + i, words[i] ?? 0);
  return map;
}

function randomDump(next: () => number): string {
  const lines: string[] = [];
  const n = next() % 12;
  for (let i = 0; i < n; i++) {
    const r = next() % 6;
    if (r === 0) lines.push(`${next() % 70000} ${next() % 70000}`);
    else if (r === 1) lines.push(`0x${(next() & 0xffff).toString(16)} 0x${(next() & 0xffff).toString(16)} ${next() & 0xffff}`);
    else if (r === 2) lines.push(String.fromCharCode(...Array.from({ length: next() % 10 }, () => 32 + (next() % 95))));
    else if (r === 3) lines.push(`${40000 + i} ${next() & 0xffff}`);
    else if (r === 4) lines.push('# comment');
    else lines.push(`${40000 + (i % 3)} ${next() % 3}`);
  }
  return next() % 7 === 0 ? JSON.stringify(Object.fromEntries(lines.map((l, i) => [String(40000 + i), l]))) : lines.join('\n');
}

export function fuzzSunSpec(cases: number): FuzzRow[] {
  const rows: FuzzRow[] = [];
  {
    const next = rng(0x5375);
    const row: FuzzRow = { decoder: 'sunspec-device', cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < cases; i++) {
      const input = randomImage(next);
      const t0 = performance.now();
      const dev = readSunSpecDevice(mapReader(input));
      row.ms += performance.now() - t0;
      if (dev.complete && dev.problems.length === 0 && dev.models.length > 0) row.decoded++;
      else {
        row.rejected++;
        count(row.byKind, dev.problems[0]?.kind ?? 'no-models');
      }
    }
    rows.push(row);
  }
  {
    const next = rng(0x6e53);
    const row: FuzzRow = { decoder: 'sunspec-model', cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < cases; i++) {
      const id = SUPPORTED_MODEL_IDS[next() % SUPPORTED_MODEL_IDS.length] ?? 1;
      const block = Array.from({ length: next() % 150 }, () => (next() % 4 === 0 ? 0x8000 : next() & 0xffff));
      const t0 = performance.now();
      const r = decodeModel(id, block);
      row.ms += performance.now() - t0;
      if (r.ok && r.value.problems.length === 0) row.decoded++;
      else {
        row.rejected++;
        count(row.byKind, r.ok ? (r.value.problems[0]?.kind ?? 'unknown') : r.error.kind);
      }
    }
    rows.push(row);
  }
  {
    const next = rng(0x0bad);
    const row: FuzzRow = { decoder: 'sunspec-dump-text', cases, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < cases; i++) {
      const text = randomDump(next);
      const t0 = performance.now();
      const r = parseRegisterDump(text);
      row.ms += performance.now() - t0;
      if (r.ok) row.decoded++;
      else {
        row.rejected++;
        count(row.byKind, r.error.kind);
      }
    }
    rows.push(row);
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cases = Number(process.argv[2] ?? 100_000);
  const rows = fuzzSunSpec(cases);
  for (const r of rows) {
    process.stdout.write(
      `${r.decoder.padEnd(18)} ${String(r.cases).padStart(8)} cases  ${String(r.decoded).padStart(8)} decoded  ${String(r.rejected).padStart(8)} rejected  ${r.ms.toFixed(0).padStart(7)} ms  ${JSON.stringify(r.byKind)}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, ms: Math.round(r.ms) })))}\n`);
}
