// RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, numbers and
// strings as ECMAScript's JSON.stringify writes them, no whitespace. Every gateway hashing the
// same clearing result gets the same bytes. Small enough to own; no dependency needed.

/** Serialises plain JSON data canonically; throws on values JSON cannot represent (NaN, ±∞, bigint, functions). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(quote(value, path));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
      // Number → string per ECMAScript (shortest round-trip); JSON.stringify also writes -0 as 0.
      out.push(JSON.stringify(value));
      return;
    case 'object':
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          if (item === undefined) throw new TypeError(`canonicalJson: ${path}[${i}] is undefined`);
          write(item, out, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      writeObject(value as Record<string, unknown>, out, path);
      return;
    default:
      throw new TypeError(`canonicalJson: ${path} has type ${typeof value}, which JSON cannot represent`);
  }
}

function writeObject(obj: Record<string, unknown>, out: string[], path: string): void {
  // Default sort compares UTF-16 code units, which is what RFC 8785 asks for.
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  out.push('{');
  keys.forEach((key, i) => {
    if (i > 0) out.push(',');
    out.push(quote(key, `${path} key`), ':');
    write(obj[key], out, `${path}.${key}`);
  });
  out.push('}');
}

/** RFC 8785 builds on I-JSON (RFC 7493): strings must be valid Unicode, so lone surrogates are refused. */
function quote(text: string, path: string): string {
  if (/\p{Surrogate}/u.test(text)) throw new TypeError(`canonicalJson: ${path} holds a lone surrogate, which I-JSON forbids`);
  return JSON.stringify(text);
}
