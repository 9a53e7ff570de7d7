// RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, numbers and
// strings as ECMAScript's JSON.stringify writes them, no whitespace. Every gateway hashing the
// same clearing result gets the same bytes. Small enough to own; no dependency needed.
// Hot in the market (every order, vote and snapshot is encoded to check its signature), so the
// encoder keeps no path and scans strings cheaply; only a value it refuses is walked again, with
// paths, to say where.

// Texts of values frozen by canonicalJsonOnce: such a value, alone or nested in a larger one, is
// written from here instead of being walked again. Frozen, so the text cannot go stale; weak, so
// a dropped value drops its text.
const onceTexts = new WeakMap<object, string>();

/**
 * The canonical text of `value`, which is deeply frozen and remembered: encoding it again, alone
 * or inside a larger value (a vote inside a certificate inside a trade record), reuses the text.
 * For values that are kept and encoded many times (verified orders and votes, certificates,
 * clearing results); the caller must not need to change `value` afterwards.
 */
export function canonicalJsonOnce(value: unknown): string {
  const text = canonicalJson(value);
  if (value !== null && typeof value === 'object') {
    deepFreeze(value);
    onceTexts.set(value, text);
  }
  return text;
}

// A value already remembered is frozen all the way down; any other is walked (a shallow-frozen
// object may still hold mutable children).
function deepFreeze(value: object): void {
  if (onceTexts.has(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
}

/** Serialises plain JSON data canonically; throws on values JSON cannot represent (NaN, ±∞, bigint, functions). */
export function canonicalJson(value: unknown): string {
  const text = encode(value);
  if (text !== undefined) return text;
  // Something was refused: the slow walk finds it and throws with its path.
  write(value, [], '$');
  throw new TypeError('canonicalJson: refused a value the checking walk accepted');
}

// Any UTF-16 surrogate code unit; only strings holding one need the (slower) lone-surrogate test.
const SURROGATE_UNIT = /[\ud800-\udfff]/;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** The canonical text, or undefined when some part of `value` cannot be written. */
function encode(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return SURROGATE_UNIT.test(value) && LONE_SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case 'number':
      // Number → string per ECMAScript (shortest round-trip); JSON.stringify also writes -0 as 0.
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'object': {
      const once = onceTexts.get(value);
      if (once !== undefined) return once;
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item = value[i] === undefined ? undefined : encode(value[i]);
          if (item === undefined) return undefined;
          out += i > 0 ? `,${item}` : item;
        }
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what RFC 8785 asks for.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        const item = encode(v);
        if (item === undefined || (SURROGATE_UNIT.test(key) && LONE_SURROGATE.test(key))) return undefined;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${item}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

// The checking walk: the original encoder, with a path to every value, run only to explain a refusal.
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
  if (LONE_SURROGATE.test(text)) throw new TypeError(`canonicalJson: ${path} holds a lone surrogate, which I-JSON forbids`);
  return JSON.stringify(text);
}
