// The uplink's own view of the outbox beyond what gateway/store/outbox.ts offers: backlog age,
// refusals, attempts in bulk and payload look-ups for resends.
import type { Db } from '../store/database.js';
import { RECORD_KINDS_SQL } from './record.js';

export class OutboxState {
  private readonly backlogStmt;
  private readonly refuseStmt;
  private readonly attemptStmt;
  private readonly payloadStmt;
  private readonly ackStmt;

  constructor(private readonly db: Db) {
    this.backlogStmt = db.prepare(`SELECT COUNT(*) AS count, MIN(created_ms) AS oldestMs FROM outbox WHERE acked_ms IS NULL AND kind IN (${RECORD_KINDS_SQL})`);
    this.refuseStmt = db.prepare('UPDATE outbox SET acked_ms = ?, refused_reason = ? WHERE id = ? AND acked_ms IS NULL');
    this.attemptStmt = db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?');
    this.payloadStmt = db.prepare('SELECT payload, acked_ms AS ackedMs FROM outbox WHERE id = ?');
    this.ackStmt = db.prepare('UPDATE outbox SET acked_ms = ? WHERE id = ? AND acked_ms IS NULL');
  }

  /**
   * Marks records delivered, at normal (not FULL) sync: an ack lost to a power cut only means
   * the record is sent again and the operator answers `duplicate`, so it is not worth an fsync.
   */
  ack(ids: ReadonlyArray<string>, atMs: number): number {
    return this.db.transaction(() => ids.reduce((n, id) => n + this.ackStmt.run(atMs, id).changes, 0))();
  }

  backlog(): { count: number; oldestMs: number | null } {
    return this.backlogStmt.get() as { count: number; oldestMs: number | null };
  }

  /** Records a refusal; the record is settled (not sent again) and keeps the reason. */
  refuse(id: string, reason: string, atMs: number): boolean {
    return this.refuseStmt.run(atMs, reason.slice(0, 500), id).changes === 1;
  }

  markAttempts(ids: ReadonlyArray<string>): void {
    this.db.transaction(() => {
      for (const id of ids) this.attemptStmt.run(id);
    })();
  }

  payloads(ids: ReadonlyArray<string>): Map<string, { payload: string; ackedMs: number | null }> {
    const out = new Map<string, { payload: string; ackedMs: number | null }>();
    for (const id of ids) {
      const row = this.payloadStmt.get(id) as { payload: string; ackedMs: number | null } | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }
}
