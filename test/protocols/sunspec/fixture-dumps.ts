// Reads test/fixtures/conformance/sunspec-dumps.json into register maps.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DumpRecord {
  id: string;
  base_address: number;
  registers_hex: string;
  models: Array<{ id: number; address: number; length: number }>;
  expected: Array<{ name: string; model?: number; value: unknown }>;
  [key: string]: unknown;
}

const path = fileURLToPath(new URL('../../fixtures/conformance/sunspec-dumps.json', import.meta.url));

export function loadDumps(): DumpRecord[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: DumpRecord[] }).entries;
}

export function dumpWords(r: DumpRecord): number[] {
  return r.registers_hex.trim().split(/\s+/).map((h) => parseInt(h, 16));
}

export function dumpMap(r: DumpRecord): Map<number, number> {
  const m = new Map<number, number>();
  dumpWords(r).forEach((w, i) => m.set(r.base_address + i, w));
  return m;
}
