// Anchor batches and inclusion proofs in the gateway store (migration 2): cutting a batch of
// the outbox records not yet anchored, recording receipts, and reading a record's evidence.
import { sha256Hex } from '../../core/hash.js';
import { durableTransaction, type Db } from '../store/database.js';
import { RECORD_KINDS_SQL } from '../uplink/record.js';
import { buildTree, leafHash, type InclusionProof } from './merkle.js';

export interface BatchRow {
  batchId: number;
  firstSeq: number;
  lastSeq: number;
  leafCount: number;
  root: string;
  createdMs: number;
  txDigest: string | null;
  checkpoint: string | null;
  submittedMs: number | null;
  attempts: number;
  lastError: string | null;
}

/** What proves one record: the envelope, its proof and its batch's root and receipt. */
export interface RecordEvidence {
  record: unknown;
  proof: InclusionProof | null;
  anchor: { batchId: number; root: string; digest: string | null; checkpoint: string | null } | null;
}

const BATCH_COLUMNS = 'batch_id AS batchId, first_seq AS firstSeq, last_seq AS lastSeq, leaf_count AS leafCount, root, created_ms AS createdMs, tx_digest AS txDigest, checkpoint, submitted_ms AS submittedMs, attempts, last_error AS lastError';

export class AnchorStore {
  constructor(private readonly db: Db) {}

  /**
   * Makes one batch of every outbox record after the last batch (up to `maxLeaves`), with its
   * root and each record's proof, in one transaction; null when there is nothing new.
   */
  cutBatch(nowMs: number, maxLeaves = 100_000): BatchRow | null {
    return durableTransaction(this.db, () => {
      const last = (this.db.prepare('SELECT MAX(last_seq) AS s FROM anchor_batches').get() as { s: number | null }).s ?? 0;
      const rows = this.db.prepare(`SELECT seq, id, payload FROM outbox WHERE seq > ? AND kind IN (${RECORD_KINDS_SQL}) ORDER BY seq LIMIT ?`).all(last, maxLeaves) as Array<{ seq: number; id: string; payload: string }>;
      if (rows.length === 0) return null;
      const leaves = rows.map((r) => leafHash(sha256Hex(r.payload)));
      const { root, proofs } = buildTree(leaves);
      const first = rows[0]?.seq ?? 0;
      const lastSeq = rows[rows.length - 1]?.seq ?? 0;
      const info = this.db.prepare('INSERT INTO anchor_batches (first_seq, last_seq, leaf_count, root, created_ms) VALUES (?, ?, ?, ?, ?)').run(first, lastSeq, rows.length, root, nowMs);
      const batchId = Number(info.lastInsertRowid);
      const put = this.db.prepare('INSERT INTO anchor_proofs (record_id, batch_id, leaf_index, leaf_hash, proof) VALUES (?, ?, ?, ?, ?)');
      rows.forEach((r, i) => put.run(r.id, batchId, i, leaves[i], JSON.stringify(proofs[i])));
      return this.batch(batchId);
    });
  }

  batch(batchId: number): BatchRow | null {
    return (this.db.prepare(`SELECT ${BATCH_COLUMNS} FROM anchor_batches WHERE batch_id = ?`).get(batchId) as BatchRow | undefined) ?? null;
  }

  unsubmitted(): BatchRow[] {
    return this.db.prepare(`SELECT ${BATCH_COLUMNS} FROM anchor_batches WHERE tx_digest IS NULL ORDER BY batch_id`).all() as BatchRow[];
  }

  recordReceipt(batchId: number, digest: string, checkpoint: string | null, atMs: number): void {
    this.db.prepare('UPDATE anchor_batches SET tx_digest = ?, checkpoint = ?, submitted_ms = ?, attempts = attempts + 1, last_error = NULL WHERE batch_id = ?').run(digest, checkpoint, atMs, batchId);
  }

  recordFailure(batchId: number, error: string): void {
    this.db.prepare('UPDATE anchor_batches SET attempts = attempts + 1, last_error = ? WHERE batch_id = ?').run(error.slice(0, 500), batchId);
  }

  counts(): { batches: number; anchored: number; waiting: number; lastError: string | null } {
    const r = this.db.prepare('SELECT COUNT(*) AS batches, COUNT(tx_digest) AS anchored FROM anchor_batches').get() as { batches: number; anchored: number };
    const e = this.db.prepare('SELECT last_error AS e FROM anchor_batches WHERE tx_digest IS NULL AND last_error IS NOT NULL ORDER BY batch_id DESC LIMIT 1').get() as { e: string } | undefined;
    return { batches: r.batches, anchored: r.anchored, waiting: r.batches - r.anchored, lastError: e?.e ?? null };
  }

  /** Every record's proof in a batch, in leaf order: what the `anchor` record carries upstream. */
  proofsOf(batchId: number): Array<{ id: string; proof: InclusionProof }> {
    const rows = this.db.prepare('SELECT record_id AS id, proof FROM anchor_proofs WHERE batch_id = ? ORDER BY leaf_index').all(batchId) as Array<{ id: string; proof: string }>;
    return rows.map((r) => ({ id: r.id, proof: JSON.parse(r.proof) as InclusionProof }));
  }

  evidence(recordId: string): RecordEvidence | null {
    const row = this.db.prepare('SELECT payload FROM outbox WHERE id = ?').get(recordId) as { payload: string } | undefined;
    if (!row) return null;
    const p = this.db.prepare('SELECT batch_id AS batchId, proof FROM anchor_proofs WHERE record_id = ?').get(recordId) as { batchId: number; proof: string } | undefined;
    const b = p ? this.batch(p.batchId) : null;
    return {
      record: JSON.parse(row.payload) as unknown,
      proof: p ? (JSON.parse(p.proof) as InclusionProof) : null,
      anchor: b ? { batchId: b.batchId, root: b.root, digest: b.txDigest, checkpoint: b.checkpoint } : null,
    };
  }
}
