import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { publicKeyHex, signEnvelope, verifyEnvelope, verifyEnvelopeText } from '../../core/signed-envelope.js';

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
});
