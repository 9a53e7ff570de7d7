import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTree, leafHash, nodeHash, rootFromProof } from '../../../gateway/anchor/merkle.js';

const h = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('anchor Merkle tree', () => {
  it('proves every leaf of trees of 1 to 33 leaves against the root', () => {
    for (let n = 1; n <= 33; n++) {
      const records = Array.from({ length: n }, (_, i) => h(`r${i}`));
      const { root, proofs } = buildTree(records.map(leafHash));
      records.forEach((r, i) => expect(rootFromProof(r, proofs[i])).toEqual({ ok: true, value: root }));
    }
  });

  it('follows the documented rules: 0x00 leaf prefix, 0x01 node prefix, odd node carried up', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(h) as [string, string, string];
    const sha = (prefix: number, ...hex: string[]): string => createHash('sha256').update(Buffer.concat([Buffer.from([prefix]), ...hex.map((x) => Buffer.from(x, 'hex'))])).digest('hex');
    expect(leafHash(a)).toBe(sha(0, a));
    const { root } = buildTree([a, b, c].map(leafHash));
    expect(root).toBe(sha(1, sha(1, sha(0, a), sha(0, b)), sha(0, c)));
    expect(nodeHash(leafHash(a), leafHash(b))).toBe(sha(1, sha(0, a), sha(0, b)));
  });

  it('does not prove a tampered record or a tampered proof', () => {
    const records = Array.from({ length: 7 }, (_, i) => h(`r${i}`));
    const { root, proofs } = buildTree(records.map(leafHash));
    const proof = proofs[3];
    if (!proof) throw new Error('no proof');
    expect(rootFromProof(h('other'), proof)).not.toEqual({ ok: true, value: root });
    const bent = { ...proof, steps: proof.steps.map((s, i) => (i === 0 ? { ...s, hash: h('x') } : s)) };
    expect(rootFromProof(records[3] as string, bent)).not.toEqual({ ok: true, value: root });
    expect(rootFromProof(records[3] as string, { steps: [{ side: 'X', hash: 'zz' }] }).ok).toBe(false);
  });
});
