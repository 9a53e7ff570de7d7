// Loads the HAN conformance vectors (test/fixtures/conformance/han-frames.json, provenance in
// its README) for the HAN tests.
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

export interface DerivedItem {
  index: number;
  obis?: string;
  type: string;
  raw?: number;
  scaler?: number;
  unit?: string;
  value?: number;
  text?: string;
  datetime?: { local: string; weekday: number };
}

export interface HanFixture {
  id: string;
  raw_hex: string;
  list: string | null;
  manufacturer: string | null;
  expected: Expected[];
  notes?: string[];
  derived_decode?: { items: DerivedItem[]; apdu_datetime: { local: string } | null; long_invoke_id_and_priority: string };
  frame_checks?: Record<string, unknown>;
}

const path = fileURLToPath(new URL('../../fixtures/conformance/han-frames.json', import.meta.url));
export const HAN_FIXTURES: HanFixture[] = (JSON.parse(readFileSync(path, 'utf8')) as { entries: HanFixture[] }).entries;

export function bytesOf(f: HanFixture): Uint8Array {
  return new Uint8Array(Buffer.from(f.raw_hex, 'hex'));
}

/** Fixtures that are whole HDLC frames carrying a DLMS list (not framing-only or LLC-only). */
export const HDLC_LIST_FIXTURES = HAN_FIXTURES.filter((f) => f.raw_hex.startsWith('7E') && f.derived_decode !== undefined);
export const LLC_FIXTURES = HAN_FIXTURES.filter((f) => f.raw_hex.startsWith('E6E700'));
