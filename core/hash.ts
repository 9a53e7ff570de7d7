// Content hashes: SHA-256 over canonical JSON (RFC 8785), so every party hashing the same data
// gets the same digest whatever order its fields were built in.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of `value`, lower-case hex. */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
