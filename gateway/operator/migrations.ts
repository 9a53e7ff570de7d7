// Numbered schema migrations of the operator's database, one list per back-end (the SQL
// dialects differ in small ways). Each runs once and is recorded in schema_version.
import type { StoreMigration } from '../store/migrations.js';

export const OPERATOR_SQLITE_MIGRATIONS: ReadonlyArray<StoreMigration> = [
  {
    version: 1,
    describe: 'operator: records as received, refusals',
    sql: `
      CREATE TABLE records (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        gateway_id TEXT NOT NULL,
        signer TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        interval_start_ms INTEGER,
        hash TEXT NOT NULL,
        envelope TEXT NOT NULL,
        received_ms INTEGER NOT NULL
      );
      CREATE INDEX records_by_interval ON records (interval_start_ms);
      CREATE TABLE refusals (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT,
        gateway_id TEXT,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
    `,
  },
];

export const OPERATOR_POSTGRES_MIGRATIONS: ReadonlyArray<StoreMigration> = [
  {
    version: 1,
    describe: 'operator: records as received, refusals',
    sql: `
      CREATE TABLE records (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        gateway_id TEXT NOT NULL,
        signer TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        interval_start_ms BIGINT,
        hash TEXT NOT NULL,
        envelope TEXT NOT NULL,
        received_ms BIGINT NOT NULL
      );
      CREATE INDEX records_by_interval ON records (interval_start_ms);
      CREATE TABLE refusals (
        n BIGSERIAL PRIMARY KEY,
        record_id TEXT,
        gateway_id TEXT,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        at_ms BIGINT NOT NULL
      );
    `,
  },
];
