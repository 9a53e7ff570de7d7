// Text protocols (DSMR P1, IEC 62056-21) are bytes read as ISO 8859-1: a string of code units up
// to 0xFF maps to bytes one for one, and back.

/** The bytes of a latin-1 string; undefined when a character lies above 0xFF. Bytes pass through. */
export function latin1Bytes(input: string | Uint8Array): Uint8Array | undefined {
  if (typeof input !== 'string') return input;
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

/** bytes[start, end) as a latin-1 string. */
export function latin1Text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
}
