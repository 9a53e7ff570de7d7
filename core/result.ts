// Decoders of outside bytes return a result, never throw on bad input (STYLE.md). Each
// protocol has a closed union of error kinds so callers can count rejections by kind.

export interface Failure<K extends string = string> {
  kind: K;
  detail: string;
}

export type Result<T, K extends string = string> = { ok: true; value: T } | { ok: false; error: Failure<K> };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<K extends string>(kind: K, detail: string): { ok: false; error: Failure<K> } {
  return { ok: false, error: { kind, detail } };
}
