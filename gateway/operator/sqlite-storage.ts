// The operator's embedded store: one SQLite file (WAL), each batch committed with
// synchronous=FULL before its acks go out, so an acked record survives a power cut.
import { durableTransaction, openDatabase, type Db } from '../store/database.js';
import { intervalStartOf } from '../uplink/payloads.js';
import { recordText } from '../uplink/record.js';
import { OPERATOR_SQLITE_MIGRATIONS } from './migrations.js';
import type { InsertOutcome, OperatorStorage, Refusal, StoredRecord } from './storage.js';
import type { VerifiedRecord } from './verify-record.js';

const COLUMNS = 'id, kind, gateway_id AS gatewayId, signer, created_ms AS createdMs, interval_start_ms AS intervalStartMs, hash, envelope, received_ms AS receivedMs';

export class SqliteStorage implements OperatorStorage {
  readonly backend = 'sqlite' as const;
  private readonly insert;
  private readonly hashOf;
  private readonly refusal;

  private constructor(readonly db: Db) {
    this.insert = db.prepare('INSERT INTO records (id, kind, gateway_id, signer, created_ms, interval_start_ms, hash, envelope, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.hashOf = db.prepare('SELECT hash FROM records WHERE id = ?');
    this.refusal = db.prepare('INSERT INTO refusals (record_id, gateway_id, reason, detail, at_ms) VALUES (?, ?, ?, ?, ?)');
  }

  static open(file: string): SqliteStorage {
    return new SqliteStorage(openDatabase(file, { migrations: OPERATOR_SQLITE_MIGRATIONS }));
  }

  insertBatch(records: ReadonlyArray<VerifiedRecord>, receivedMs: number): Promise<InsertOutcome[]> {
    const outcomes = durableTransaction(this.db, () =>
      records.map((r): InsertOutcome => {
        const p = r.signed.payload;
        const changed = this.insert.run(p.id, p.kind, p.gatewayId, r.signed.signer, p.createdMs, intervalStartOf(p.payload), r.hash, recordText(r.signed), receivedMs).changes;
        if (changed === 1) return 'stored';
        return (this.hashOf.get(p.id) as { hash: string }).hash === r.hash ? 'duplicate' : 'conflict';
      }),
    );
    return Promise.resolve(outcomes);
  }

  noteRefusals(refusals: ReadonlyArray<Refusal>): Promise<void> {
    this.db.transaction(() => {
      for (const r of refusals) this.refusal.run(r.recordId, r.gatewayId, r.reason, r.detail.slice(0, 1000), r.atMs);
    })();
    return Promise.resolve();
  }

  recordsInRange(fromMs: number, toMs: number): Promise<StoredRecord[]> {
    return Promise.resolve(this.db.prepare(`SELECT ${COLUMNS} FROM records WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY gateway_id, interval_start_ms, id`).all(fromMs, toMs) as StoredRecord[]);
  }

  get(id: string): Promise<StoredRecord | null> {
    return Promise.resolve((this.db.prepare(`SELECT ${COLUMNS} FROM records WHERE id = ?`).get(id) as StoredRecord | undefined) ?? null);
  }

  byKind(kind: string, gatewayId: string): Promise<StoredRecord[]> {
    return Promise.resolve(this.db.prepare(`SELECT ${COLUMNS} FROM records WHERE kind = ? AND gateway_id = ? ORDER BY created_ms, id`).all(kind, gatewayId) as StoredRecord[]);
  }

  count(): Promise<number> {
    return Promise.resolve((this.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n);
  }

  refusalCounts(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT reason, COUNT(*) AS n FROM refusals GROUP BY reason').all() as Array<{ reason: string; n: number }>;
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.reason, r.n])));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
