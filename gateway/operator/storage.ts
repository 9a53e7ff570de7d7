// One storage interface for the operator, two back-ends: an embedded SQLite file and
// PostgreSQL (several receivers writing one database). Both store the envelope as received,
// keyed by record id, so a duplicate is a no-op and a different record under a known id is a
// conflict rather than an overwrite.
import type { VerifiedRecord } from './verify-record.js';

export interface StoredRecord {
  id: string;
  kind: string;
  gatewayId: string;
  signer: string;
  createdMs: number;
  intervalStartMs: number | null;
  hash: string;
  /** The envelope's canonical JSON. */
  envelope: string;
  receivedMs: number;
}

export type InsertOutcome = 'stored' | 'duplicate' | 'conflict';

export interface Refusal {
  recordId: string | null;
  gatewayId: string | null;
  reason: string;
  detail: string;
  atMs: number;
}

export interface OperatorStorage {
  readonly backend: 'sqlite' | 'postgres';
  /** Stores a batch in one transaction, committed durably before this resolves; outcomes by index. */
  insertBatch(records: ReadonlyArray<VerifiedRecord>, receivedMs: number): Promise<InsertOutcome[]>;
  noteRefusals(refusals: ReadonlyArray<Refusal>): Promise<void>;
  /** Records whose payload's interval starts in [fromMs, toMs). */
  recordsInRange(fromMs: number, toMs: number): Promise<StoredRecord[]>;
  get(id: string): Promise<StoredRecord | null>;
  /** One gateway's records of one kind (e.g. its `anchor` records), oldest first. */
  byKind(kind: string, gatewayId: string): Promise<StoredRecord[]>;
  count(): Promise<number>;
  refusalCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** `postgres://…` or `postgresql://…` opens PostgreSQL; anything else is a SQLite file path. */
export async function openOperatorStorage(database: string): Promise<OperatorStorage> {
  if (/^postgres(ql)?:\/\//.test(database)) {
    const { PostgresStorage } = await import('./postgres-storage.js');
    return PostgresStorage.open(database);
  }
  const { SqliteStorage } = await import('./sqlite-storage.js');
  return SqliteStorage.open(database);
}
