// Loads the shared Modbus conformance records from test/fixtures (never from shared/).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../fixtures/conformance/', import.meta.url));

export function loadConformance<T = any>(name: 'modbus-frames.json' | 'modbus-registers.json' | 'sunspec-dumps.json'): T {
  return JSON.parse(readFileSync(dir + name, 'utf8')) as T;
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
