// Reads back what `nabo operator` stored, from its SQLite file or its PostgreSQL database alike,
// so district tests check the same things whichever back-end the operator ran on.
import Database from 'better-sqlite3';
import pg from 'pg';

export interface OperatorRow {
  id: string;
  kind: string;
  gatewayId: string;
  envelope: string;
}

export interface OperatorContents {
  records: OperatorRow[];
  refusals: number;
}

export async function readOperatorDatabase(database: string): Promise<OperatorContents> {
  const recordsSql = 'SELECT id, kind, gateway_id AS "gatewayId", envelope FROM records ORDER BY id';
  const refusalsSql = 'SELECT COUNT(*) AS n FROM refusals';
  if (/^postgres(ql)?:\/\//.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const records = (await client.query<OperatorRow>(recordsSql)).rows;
      const refusals = Number((await client.query<{ n: string }>(refusalsSql)).rows[0]?.n ?? 0);
      return { records, refusals };
    } finally {
      await client.end();
    }
  }
  const db = new Database(database, { readonly: true });
  try {
    return { records: db.prepare(recordsSql).all() as OperatorRow[], refusals: (db.prepare(refusalsSql).get() as { n: number }).n };
  } finally {
    db.close();
  }
}

/** How many records of each kind, e.g. { trade: 12, settlement: 40 }. */
export function countByKind(rows: ReadonlyArray<{ kind: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}
