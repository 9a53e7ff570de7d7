// The outbox: the only way out of the box (DESIGN principle 6). A record is written here, in
// the same durable transaction as whatever produced it, with an idempotent id; the uplink sends
// pending records in seq order and acks them when the far side confirmed. A second enqueue of
// the same id is a no-op, so a retried producer never duplicates a message.
import { durableTransaction, type Db } from './database.js';

export interface OutboxRecord {
  seq: number;
  id: string;
  kind: string;
  payload: string;
  createdMs: number;
  ackedMs: number | null;
  attempts: number;
}

export class Outbox {
  private readonly insert;
  private readonly pendingStmt;
  private readonly ackStmt;
  private readonly attemptStmt;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO outbox (id, kind, payload, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.pendingStmt = db.prepare(
      'SELECT seq, id, kind, payload, created_ms AS createdMs, acked_ms AS ackedMs, attempts FROM outbox WHERE acked_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.ackStmt = db.prepare('UPDATE outbox SET acked_ms = ? WHERE id = ? AND acked_ms IS NULL');
    this.attemptStmt = db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?');
  }

  /**
   * Adds a record durably; returns false when a record with this id already exists. Call
   * inside an outer durableTransaction to commit it together with its source records.
   */
  enqueue(record: { id: string; kind: string; payload: string; createdMs: number }): boolean {
    const run = (): boolean => this.insert.run(record.id, record.kind, record.payload, record.createdMs).changes === 1;
    return this.db.inTransaction ? run() : durableTransaction(this.db, run);
  }

  /** Unacknowledged records, oldest first, after `afterSeq`. */
  pending(limit = 100, afterSeq = 0): OutboxRecord[] {
    return this.pendingStmt.all(afterSeq, limit) as OutboxRecord[];
  }

  pendingCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_ms IS NULL').get() as { n: number }).n;
  }

  markAttempt(id: string): void {
    this.attemptStmt.run(id);
  }

  /** Marks records as delivered; acking twice is harmless. */
  ack(ids: ReadonlyArray<string>, atMs: number): number {
    return durableTransaction(this.db, () => ids.reduce((n, id) => n + this.ackStmt.run(atMs, id).changes, 0));
  }
}
