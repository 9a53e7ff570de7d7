// The operator's evidence for a stored record: the envelope as received plus the inclusion
// proof, root and ledger receipt from the gateway's `anchor` record that covers it.
import type { RecordEvidence } from '../anchor/anchor-store.js';
import type { InclusionProof } from '../anchor/merkle.js';
import type { OperatorStorage } from './storage.js';

interface AnchorPayload {
  batchId: number;
  root: string;
  digest: string | null;
  checkpoint: string | null;
  proofs?: Array<{ id: string; proof: InclusionProof }>;
}

export async function operatorEvidence(storage: OperatorStorage, recordId: string): Promise<RecordEvidence | null> {
  const rec = await storage.get(recordId);
  if (!rec) return null;
  const record = JSON.parse(rec.envelope) as unknown;
  for (const a of await storage.byKind('anchor', rec.gatewayId)) {
    const p = (JSON.parse(a.envelope) as { payload: { payload: AnchorPayload } }).payload.payload;
    const hit = p.proofs?.find((x) => x.id === recordId);
    if (hit) return { record, proof: hit.proof, anchor: { batchId: p.batchId, root: p.root, digest: p.digest, checkpoint: p.checkpoint } };
  }
  return { record, proof: null, anchor: null };
}
