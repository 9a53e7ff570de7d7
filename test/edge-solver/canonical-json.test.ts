import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonOnce } from '../../core/canonical-json.js';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC 8785 section 3.2.2 example byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 section 3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('formats the IEEE-754 test values of RFC 8785 appendix B', () => {
    const cases: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of cases) expect(canonicalJson(fromBits(bits)), bits).toBe(text);
  });

  it('refuses NaN and infinities instead of writing something unparseable', () => {
    expect(() => canonicalJson({ a: [1, NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson(Infinity)).toThrow();
    expect(() => canonicalJson({ n: 1n })).toThrow();
  });

  it('refuses lone surrogates, which I-JSON forbids, but keeps paired ones', () => {
    expect(() => canonicalJson({ a: 'x\ud800y' })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\udfff']: 1 })).toThrow(/lone surrogate/);
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('names the path of a refused value deep inside nested data', () => {
    expect(() => canonicalJson({ orders: [{ payload: { bid: [{ energyWh: 1 }, { energyWh: NaN }] } }] })).toThrow('canonicalJson: $.orders[0].payload.bid[1].energyWh is NaN');
    expect(() => canonicalJson({ a: [{ b: 'ok' }, { c: ['x', 'y\udc00'] }] })).toThrow('canonicalJson: $.a[1].c[1] holds a lone surrogate');
    expect(() => canonicalJson({ a: [1, undefined] })).toThrow('canonicalJson: $.a[1] is undefined');
  });

  it('writes random nested data as JSON.stringify does once keys are sorted', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const strings = ['', 'a', 'Ünïcødé €', '\ud83d\ude00 ok', 'quote " and \\ back', 'tab\tnew\nline', '\u0001\u001f'];
    const gen = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.3) return [null, true, false, Math.round(rnd() * 1e6) - 5e5, rnd() * 1e-3, -rnd() * 1e21, strings[Math.floor(rnd() * strings.length)]][Math.floor(rnd() * 7)];
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 5) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 6) }, () => [strings[Math.floor(rnd() * strings.length)]! + Math.floor(rnd() * 50), gen(depth + 1)]));
    };
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
    for (let i = 0; i < 500; i++) {
      const value = gen(0);
      // Integer-like keys: JS objects enumerate them first, so the reference cannot rebuild their order; skip those values.
      const text = JSON.stringify(sorted(value));
      if (/"\d+":/.test(text)) continue;
      expect(canonicalJson(value)).toBe(text);
    }
  });

  it('writes nested data without whitespace and drops undefined members', () => {
    expect(canonicalJson({ b: [1, { z: true, a: null }], a: 'x', c: undefined })).toBe('{"a":"x","b":[1,{"a":null,"z":true}]}');
  });

  it('encodes a value kept with canonicalJsonOnce to the same bytes, alone and nested, and freezes it all the way down', () => {
    const vote = { payload: { voter: 'b1-h1', resultHash: 'ab', steps: [{ energyWh: 5 }] }, signer: 'cd', signature: 'ef' };
    const expected = canonicalJson(vote);
    expect(canonicalJsonOnce(vote)).toBe(expected);
    expect(canonicalJson(vote)).toBe(expected);
    const cert = { votes: [vote, { ...vote, signer: 'zz' }], z: 1, a: 'x' };
    expect(canonicalJson(cert)).toBe(`{"a":"x","votes":[${expected},${canonicalJson({ ...vote, signer: 'zz' })}],"z":1}`);
    // The remembered text cannot go stale: the value and everything in it is frozen.
    expect(() => {
      (vote.payload.steps[0] as { energyWh: number }).energyWh = 6;
    }).toThrow(TypeError);
    expect(Object.isFrozen(vote.payload.steps)).toBe(true);
    expect(canonicalJson(cert)).toContain('"energyWh":5');
  });

  it('freezes the children of a shallow-frozen value kept with canonicalJsonOnce', () => {
    const inner = { n: 1 };
    const outer = Object.freeze({ inner });
    canonicalJsonOnce(outer);
    expect(Object.isFrozen(inner)).toBe(true);
  });

  it('refuses to keep a value it cannot encode, leaving it unfrozen', () => {
    const bad = { a: NaN };
    expect(() => canonicalJsonOnce(bad)).toThrow(/\$\.a is NaN/);
    expect(Object.isFrozen(bad)).toBe(false);
  });
});
