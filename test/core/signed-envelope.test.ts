import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { publicKeyHex, signEnvelope, verifyEnvelope, verifyEnvelopeText, verifyEnvelopeTextAsync } from '../../core/signed-envelope.js';

const seedOf = (name: string) => new Uint8Array(createHash('sha256').update(name).digest());

describe('signed envelopes', () => {
  it('hand back the canonical JSON the signature was checked over, and refuse another domain', () => {
    const payload = { b: 2, a: [1, 'x'] };
    const env = signEnvelope('order', payload, seedOf('alice'));
    const v = verifyEnvelopeText('order', JSON.parse(JSON.stringify(env)));
    expect(v.ok && v.value.canonicalPayload).toBe(canonicalJson(payload));
    expect(verifyEnvelope('vote', env).ok).toBe(false);
  });

  it('sign with the key the seed holds now, even when the same array was rewritten in place', () => {
    const seed = seedOf('alice');
    const a = signEnvelope('order', { n: 1 }, seed);
    expect(a.signer).toBe(publicKeyHex(seedOf('alice')));
    seed.set(seedOf('bob'));
    const b = signEnvelope('order', { n: 1 }, seed);
    expect(b.signer).toBe(publicKeyHex(seedOf('bob')));
    expect(b.signer).not.toBe(a.signer);
    expect(verifyEnvelope('order', b).ok).toBe(true);
  });

  it('check on the thread pool with the same verdicts and reasons as the synchronous check', async () => {
    const env = signEnvelope('vote', { voter: 'b1-h1', n: 1 }, seedOf('alice'));
    const cases: unknown[] = [
      env,
      { ...env, payload: { voter: 'b1-h1', n: 2 } },
      { ...env, signer: publicKeyHex(seedOf('bob')) },
      { ...env, signature: 'ab' },
      { ...env, payload: { n: NaN } },
      // 64 hex digits that are not a point on the curve.
      { ...env, signer: 'f'.repeat(64) },
      null,
      [env],
    ];
    for (const c of cases) {
      const sync = verifyEnvelopeText('vote', c);
      const async_ = await verifyEnvelopeTextAsync('vote', c);
      expect(async_).toEqual(sync);
    }
    const good = await verifyEnvelopeTextAsync('vote', env);
    expect(good.ok && good.value.canonicalPayload).toBe(canonicalJson(env.payload));
    expect((await verifyEnvelopeTextAsync('order', env)).ok).toBe(false);
  });
});
