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
    describe: 'interval energy carries its quality (measured, estimated, reconciled, gap)',
    sql: `
      -- 'estimated' is integrated power (a HAN meter between its hourly counters), 'reconciled'
      -- the same quarters once the counter difference around them is known.
      ALTER TABLE interval_energy ADD COLUMN quality TEXT NOT NULL DEFAULT 'measured'
        CHECK (quality IN ('measured', 'estimated', 'reconciled', 'gap'));
      UPDATE interval_energy SET quality = 'gap' WHERE gap = 1;
    `,
  },
  {
    version: 3,
    describe: 'counter events: resets, wraps and meter swaps seen by acquisition',
    sql: `
      -- A counter re-baselined at at_ms; the interval that contains it is not a plain difference.
      CREATE TABLE counter_events (
        device_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        quantity TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reset', 'wrap', 'meter-replaced')),
        from_value REAL,
        to_value REAL,
        detail TEXT,
        PRIMARY KEY (device_id, at_ms, quantity)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    describe: 'block market: rosters, snapshots and votes kept as evidence, interval outcomes, per-participant trades',
    sql: `
      -- Every roster version held, so an old snapshot replays with the roster it was cleared under.
      CREATE TABLE market_rosters (
        market_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        envelope TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        PRIMARY KEY (market_id, version)
      );
      -- Snapshots as received; two per (interval, attempt) from one coordinator are evidence of equivocation.
      CREATE TABLE market_snapshots (
        interval_start_ms INTEGER NOT NULL,
        snapshot_hash TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        coordinator TEXT NOT NULL,
        envelope TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        PRIMARY KEY (interval_start_ms, snapshot_hash)
      );
      CREATE TABLE market_votes (
        interval_start_ms INTEGER NOT NULL,
        voter TEXT NOT NULL,
        snapshot_hash TEXT NOT NULL,
        result_hash TEXT NOT NULL,
        envelope TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        PRIMARY KEY (interval_start_ms, voter, snapshot_hash, result_hash)
      );
      -- One row per interval this gateway took part in: final (with its certificate) or grid only, and why.
      CREATE TABLE market_intervals (
        interval_start_ms INTEGER PRIMARY KEY,
        market_id TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        attempt INTEGER,
        snapshot_hash TEXT,
        result_hash TEXT,
        own_result_hash TEXT,
        certificate TEXT,
        updated_ms INTEGER NOT NULL
      );
      -- A participant's net trade in one interval at its block's price (pay-as-clear).
      CREATE TABLE market_trades (
        trade_id TEXT PRIMARY KEY,
        interval_start_ms INTEGER NOT NULL,
        participant_id TEXT NOT NULL,
        block_id TEXT NOT NULL,
        energy_wh INTEGER NOT NULL,
        price_minor_per_kwh REAL NOT NULL,
        amount_minor INTEGER NOT NULL,
        result_hash TEXT NOT NULL,
        envelope TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX market_trades_by_interval ON market_trades (interval_start_ms);
    `,
  },
  {
    version: 5,
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
  {
    version: 6,
    describe: 'day-ahead plan: own forecasts, and the plan in force per day (final with its snapshot and certificate, or alone)',
    sql: `
      -- This gateway's signed forecasts, stored before they are published.
      CREATE TABLE plan_forecasts (
        market_id TEXT NOT NULL,
        plan_start_ms INTEGER NOT NULL,
        envelope TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (market_id, plan_start_ms)
      );
      -- One plan per day: 'final' (snapshot of everyone's forecasts, plan, certificate) or 'alone'
      -- (own building only); a final plan replaces an alone one, never the other way round.
      CREATE TABLE plans (
        market_id TEXT NOT NULL,
        plan_start_ms INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        plan_hash TEXT NOT NULL,
        roster_version INTEGER NOT NULL,
        snapshot TEXT,
        plan TEXT NOT NULL,
        certificate TEXT,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (market_id, plan_start_ms)
      );
    `,
  },
];

export const STORE_SCHEMA_VERSION = STORE_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
