// Numbered schema migrations. Each runs once, in its own transaction, and is recorded in
// schema_version; a database written by a newer nabo is refused, never "repaired".

export interface StoreMigration {
  version: number;
  describe: string;
  sql: string;
}

export const STORE_MIGRATIONS: ReadonlyArray<StoreMigration> = [
  {
    version: 1,
    describe: 'readings, aggregates, interval energy, market records and the outbox',
    sql: `
      -- One row per (device, quantity): readings refer to it by a small integer.
      CREATE TABLE series (
        series_id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        quantity TEXT NOT NULL,
        unit TEXT NOT NULL,
        UNIQUE (device_id, quantity)
      );
      -- Raw readings, clustered by time so that retention is a range delete.
      CREATE TABLE readings (
        at_ms INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (at_ms, series_id)
      ) WITHOUT ROWID;
      CREATE TABLE aggregates_minute (
        minute_ms INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        last REAL NOT NULL,
        PRIMARY KEY (minute_ms, series_id)
      ) WITHOUT ROWID;
      -- Energy per market interval from counter differences; gap = 1 when the interval is
      -- not fully covered by readings (the energies are then what was seen, not a guess).
      CREATE TABLE interval_energy (
        device_id TEXT NOT NULL,
        interval_start_ms INTEGER NOT NULL,
        interval_ms INTEGER NOT NULL,
        import_wh INTEGER,
        export_wh INTEGER,
        gap INTEGER NOT NULL DEFAULT 0,
        gap_reason TEXT,
        PRIMARY KEY (device_id, interval_start_ms)
      ) WITHOUT ROWID;
      CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        interval_start_ms INTEGER NOT NULL,
        participant_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX orders_by_interval ON orders (interval_start_ms);
      CREATE TABLE clearing_results (
        interval_start_ms INTEGER NOT NULL,
        block_id TEXT NOT NULL,
        result_hash TEXT NOT NULL,
        payload TEXT NOT NULL,
        final INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (interval_start_ms, block_id)
      );
      CREATE TABLE trades (
        trade_id TEXT PRIMARY KEY,
        interval_start_ms INTEGER NOT NULL,
        buyer_id TEXT NOT NULL,
        seller_id TEXT NOT NULL,
        energy_wh INTEGER NOT NULL,
        price_minor_per_kwh INTEGER NOT NULL,
        amount_minor INTEGER NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX trades_by_interval ON trades (interval_start_ms);
      CREATE TABLE settlements (
        settlement_id TEXT PRIMARY KEY,
        interval_start_ms INTEGER NOT NULL,
        participant_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX settlements_by_interval ON settlements (interval_start_ms);
      -- Everything that leaves the box goes through here, in seq order, with an idempotent id.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        acked_ms INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_ms IS NULL;
    `,
  },
  {
    version: 2,
    describe: 'uplink: refused records, IOTA anchor batches and inclusion proofs',
    sql: `
      -- The operator refused the record (bad signature, not in the roster): not sent again.
      ALTER TABLE outbox ADD COLUMN refused_reason TEXT;
      -- One Merkle root per batch of outbox records, and its ledger receipt once submitted.
      CREATE TABLE anchor_batches (
        batch_id INTEGER PRIMARY KEY,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        leaf_count INTEGER NOT NULL,
        root TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        tx_digest TEXT,
        checkpoint TEXT,
        submitted_ms INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX anchor_batches_unsubmitted ON anchor_batches (batch_id) WHERE tx_digest IS NULL;
      -- Every anchored record keeps its inclusion proof (sibling hashes, leaf to root).
      CREATE TABLE anchor_proofs (
        record_id TEXT PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES anchor_batches (batch_id),
        leaf_index INTEGER NOT NULL,
        leaf_hash TEXT NOT NULL,
        proof TEXT NOT NULL
      );
    `,
  },
];

export const STORE_SCHEMA_VERSION = STORE_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
