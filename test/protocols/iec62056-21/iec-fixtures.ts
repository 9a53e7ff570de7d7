// Loads the shared IEC 62056-21 conformance set (test/fixtures/conformance/iec62056-21-readouts.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface IecExpected {
  name: string;
  value: unknown;
  unit: string | null;
  note?: string;
}

export interface IecEntry {
  id: string;
  raw_text?: string;
  raw_hex?: string;
  exchange?: Record<string, string> | null;
  bcc_check?: { bcc_present: boolean; bcc_ok?: boolean };
  expected?: IecExpected[];
  derived_data_sets?: { items: Array<{ address: string | null; raw: string }> };
  messages?: Array<{ kind: string; raw_text: string; expected: IecExpected[] }>;
}

const file = fileURLToPath(new URL('../../fixtures/conformance/iec62056-21-readouts.json', import.meta.url));
export const IEC_ENTRIES: IecEntry[] = (JSON.parse(readFileSync(file, 'utf8')) as { entries: IecEntry[] }).entries;

export function iecEntry(id: string): IecEntry {
  const e = IEC_ENTRIES.find((x) => x.id === id);
  if (e === undefined) throw new Error(`no fixture ${id}`);
  return e;
}

export function expectedValue(e: IecEntry, name: string): unknown {
  const x = e.expected?.find((v) => v.name === name);
  if (x === undefined) throw new Error(`${e.id} asserts no '${name}'`);
  return x.value;
}

export const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
export const textOf = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
