// The Merkle tree of one anchor batch (rules in docs/uplink.md). Leaves and inner nodes are
// hashed with different one-byte prefixes (0x00 leaf, 0x01 node), so a node can never pass for
// a leaf; an odd node at the end of a level is carried up unchanged rather than paired with
// itself, so no two different lists of leaves share a root. Pure: hashes in, hashes out.
import { createHash } from 'node:crypto';
import { fail, ok, type Result } from '../../core/result.js';

const HEX64 = /^[0-9a-f]{64}$/;

export interface ProofStep {
  /** Where the sibling sits: 'L' it is hashed before the running hash, 'R' after. */
  side: 'L' | 'R';
  hash: string;
}

export interface InclusionProof {
  leafIndex: number;
  leafCount: number;
  steps: ProofStep[];
}

function sha(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The leaf of a record: SHA-256(0x00 ‖ record hash bytes). */
export function leafHash(recordHashHex: string): string {
  if (!HEX64.test(recordHashHex)) throw new Error('a record hash is 64 lower-case hex digits');
  return sha(Buffer.from([0]), Buffer.from(recordHashHex, 'hex'));
}

export function nodeHash(leftHex: string, rightHex: string): string {
  return sha(Buffer.from([1]), Buffer.from(leftHex, 'hex'), Buffer.from(rightHex, 'hex'));
}

/** The root over leaves (already leaf-hashed), and each leaf's proof. */
export function buildTree(leaves: ReadonlyArray<string>): { root: string; proofs: InclusionProof[] } {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  const proofs: InclusionProof[] = leaves.map((_, i) => ({ leafIndex: i, leafCount: leaves.length, steps: [] }));
  // Which original leaves sit under each node of the current level.
  let level = [...leaves];
  let members: number[][] = leaves.map((_, i) => [i]);
  while (level.length > 1) {
    const next: string[] = [];
    const nextMembers: number[][] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as string;
      const right = level[i + 1];
      const lm = members[i] as number[];
      if (right === undefined) {
        next.push(left);
        nextMembers.push(lm);
        continue;
      }
      const rm = members[i + 1] as number[];
      for (const leaf of lm) proofs[leaf]?.steps.push({ side: 'R', hash: right });
      for (const leaf of rm) proofs[leaf]?.steps.push({ side: 'L', hash: left });
      next.push(nodeHash(left, right));
      nextMembers.push([...lm, ...rm]);
    }
    level = next;
    members = nextMembers;
  }
  return { root: level[0] as string, proofs };
}

/** The root a proof leads to from a record hash; compare it with the anchored root. */
export function rootFromProof(recordHashHex: string, proof: unknown): Result<string, 'proof'> {
  if (!HEX64.test(recordHashHex)) return fail('proof', 'record hash is not 64 hex digits');
  const p = proof as InclusionProof | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.steps) || p.steps.length > 64) return fail('proof', 'a proof is { leafIndex, leafCount, steps: [{ side, hash }] }');
  let h = leafHash(recordHashHex);
  for (const s of p.steps) {
    if (!s || (s.side !== 'L' && s.side !== 'R') || typeof s.hash !== 'string' || !HEX64.test(s.hash)) return fail('proof', 'a step is { side: L|R, hash: 64 hex }');
    h = s.side === 'L' ? nodeHash(s.hash, h) : nodeHash(h, s.hash);
  }
  return ok(h);
}
