// Reading a capture for `nabo decode`: a file or stdin, either a hex dump (any spacing) or the
// raw bytes themselves.
import { readFileSync } from 'node:fs';
import { parseHexDump } from '../../../protocols/hex.js';
import { UsageError } from '../output.js';

export interface CaptureInput {
  bytes: Uint8Array;
  /** 'hex' when the input was a hex dump, 'raw' when it was taken byte for byte. */
  form: 'hex' | 'raw';
}

export function readSource(file: string | undefined): Buffer {
  try {
    return file === undefined || file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file ?? 'stdin'}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Hex when the text is nothing but hex digits and separators; otherwise the bytes as read. */
export function readCapture(file: string | undefined, forceHex?: boolean): CaptureInput {
  const buf = readSource(file);
  const text = buf.toString('latin1');
  const looksHex = /^[\s0-9a-fA-Fx:,\-]*$/.test(text) && /[0-9a-fA-F]{2}/.test(text);
  if (forceHex || looksHex) {
    const parsed = parseHexDump(text);
    if (parsed.ok) return { bytes: parsed.value, form: 'hex' };
    if (forceHex) throw new UsageError(`not a hex dump: ${parsed.error.detail}`);
  }
  return { bytes: new Uint8Array(buf), form: 'raw' };
}
