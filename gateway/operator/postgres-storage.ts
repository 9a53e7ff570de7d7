// The operator's store on PostgreSQL, for a city where several receivers share the load and
// write to one database. A batch is one transaction: a multi-row INSERT … ON CONFLICT DO
// NOTHING, so two receivers racing on the same id store it once; the commit (synchronous on
// the server) happens before the receiver acks.
import pg from 'pg';
import type { StoreMigration } from '../store/migrations.js';
import { intervalStartOf } from '../uplink/payloads.js';
import { recordText } from '../uplink/record.js';
import { OPERATOR_POSTGRES_MIGRATIONS } from './migrations.js';
import type { InsertOutcome, OperatorStorage, Refusal, StoredRecord } from './storage.js';
import type { VerifiedRecord } from './verify-record.js';

const COLUMNS = 'id, kind, gateway_id AS "gatewayId", signer, created_ms AS "createdMs", interval_start_ms AS "intervalStartMs", hash, envelope, received_ms AS "receivedMs"';

interface Row {
  id: string;
  kind: string;
  gatewayId: string;
  signer: string;
  createdMs: string;
  intervalStartMs: string | null;
  hash: string;
  envelope: string;
  receivedMs: string;
}

function toStored(r: Row): StoredRecord {
  return { ...r, createdMs: Number(r.createdMs), intervalStartMs: r.intervalStartMs === null ? null : Number(r.intervalStartMs), receivedMs: Number(r.receivedMs) };
}

/** Applies the migrations above the database's version; an advisory lock serialises receivers starting together. */
async function migrate(client: pg.PoolClient, migrations: ReadonlyArray<StoreMigration>): Promise<void> {
  await client.query('SELECT pg_advisory_lock(7001)');
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, describe TEXT NOT NULL, applied_ms BIGINT NOT NULL)');
    const current = Number((await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
    const known = migrations.reduce((v, m) => Math.max(v, m.version), 0);
    if (current > known) throw new Error(`the operator database is at schema version ${current}, newer than this nabo knows (${known})`);
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_version (version, describe, applied_ms) VALUES ($1, $2, 0)', [m.version, m.describe]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(7001)');
  }
}

export class PostgresStorage implements OperatorStorage {
  readonly backend = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle client that loses its server (a restart) must not crash the process.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      await migrate(client, OPERATOR_POSTGRES_MIGRATIONS);
    } finally {
      client.release();
    }
    return new PostgresStorage(pool);
  }

  async insertBatch(records: ReadonlyArray<VerifiedRecord>, receivedMs: number): Promise<InsertOutcome[]> {
    if (records.length === 0) return [];
    const cols: string[][] = [[], [], [], [], [], [], [], []];
    const intervals: Array<number | null> = [];
    for (const r of records) {
      const p = r.signed.payload;
      const values = [p.id, p.kind, p.gatewayId, r.signed.signer, String(p.createdMs), r.hash, recordText(r.signed)];
      values.forEach((v, i) => cols[i]?.push(v));
      intervals.push(intervalStartOf(p.payload));
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO records (id, kind, gateway_id, signer, created_ms, interval_start_ms, hash, envelope, received_ms)
         SELECT id, kind, gw, signer, created::bigint, iv, hash, env, $9::bigint
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[]) AS t(id, kind, gw, signer, created, iv, hash, env)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [cols[0], cols[1], cols[2], cols[3], cols[4], intervals, cols[5], cols[6], receivedMs],
      );
      const storedIds = new Set(inserted.rows.map((r) => r.id));
      const others = records.filter((r) => !storedIds.has(r.signed.payload.id)).map((r) => r.signed.payload.id);
      const known = new Map<string, string>();
      if (others.length > 0) {
        const rows = await client.query<{ id: string; hash: string }>('SELECT id, hash FROM records WHERE id = ANY($1::text[])', [others]);
        for (const r of rows.rows) known.set(r.id, r.hash);
      }
      await client.query('COMMIT');
      // An id twice in one batch: the first is stored, the second is its duplicate.
      const seen = new Set<string>();
      return records.map((r) => {
        const id = r.signed.payload.id;
        if (storedIds.has(id) && !seen.has(id)) {
          seen.add(id);
          return 'stored';
        }
        const h = known.get(id) ?? (seen.has(id) ? records.find((x) => x.signed.payload.id === id)?.hash : undefined);
        return h === r.hash ? 'duplicate' : 'conflict';
      });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async noteRefusals(refusals: ReadonlyArray<Refusal>): Promise<void> {
    if (refusals.length === 0) return;
    await this.pool.query(
      'INSERT INTO refusals (record_id, gateway_id, reason, detail, at_ms) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])',
      [refusals.map((r) => r.recordId), refusals.map((r) => r.gatewayId), refusals.map((r) => r.reason), refusals.map((r) => r.detail.slice(0, 1000)), refusals.map((r) => r.atMs)],
    );
  }

  async recordsInRange(fromMs: number, toMs: number): Promise<StoredRecord[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM records WHERE interval_start_ms >= $1 AND interval_start_ms < $2 ORDER BY gateway_id, interval_start_ms, id`, [fromMs, toMs]);
    return r.rows.map(toStored);
  }

  async get(id: string): Promise<StoredRecord | null> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM records WHERE id = $1`, [id]);
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  async byKind(kind: string, gatewayId: string): Promise<StoredRecord[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM records WHERE kind = $1 AND gateway_id = $2 ORDER BY created_ms, id`, [kind, gatewayId]);
    return r.rows.map(toStored);
  }

  async count(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM records')).rows[0]?.n ?? 0);
  }

  async refusalCounts(): Promise<Record<string, number>> {
    const r = await this.pool.query<{ reason: string; n: string }>('SELECT reason, COUNT(*) AS n FROM refusals GROUP BY reason');
    return Object.fromEntries(r.rows.map((x) => [x.reason, Number(x.n)]));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
