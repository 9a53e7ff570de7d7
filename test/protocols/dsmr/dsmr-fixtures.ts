// Loads the shared DSMR conformance set (test/fixtures/conformance/dsmr-telegrams.json; sources
// and quirks in its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Expected {
  name: string;
  obis?: string;
  value: unknown;
  unit: string | null;
  derived: boolean;
  note?: string;
}

export interface DsmrEntry {
  id: string;
  standard: string;
  country: string | null;
  raw_text: string;
  crc_check: { crc_present: boolean; crc_ok?: boolean | null };
  expected: Expected[];
}

const file = fileURLToPath(new URL('../../fixtures/conformance/dsmr-telegrams.json', import.meta.url));
export const DSMR_ENTRIES: DsmrEntry[] = (JSON.parse(readFileSync(file, 'utf8')) as { entries: DsmrEntry[] }).entries;

export function entry(id: string): DsmrEntry {
  const e = DSMR_ENTRIES.find((x) => x.id === id);
  if (e === undefined) throw new Error(`no fixture ${id}`);
  return e;
}

export function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
