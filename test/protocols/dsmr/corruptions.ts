// Every copy of a byte string with one flipped bit, and every copy with one dropped byte.
export function* corruptions(bytes: Uint8Array): Generator<{ at: number; how: string; bytes: Uint8Array }> {
  for (let at = 0; at < bytes.length; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = bytes.slice();
      c[at] = (c[at] as number) ^ (1 << bit);
      yield { at, how: `bit ${bit} flipped`, bytes: c };
    }
    const d = new Uint8Array(bytes.length - 1);
    d.set(bytes.subarray(0, at));
    d.set(bytes.subarray(at + 1), at);
    yield { at, how: 'dropped', bytes: d };
  }
}
