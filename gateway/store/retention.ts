// Retention: raw readings are kept N days (7 by default), minute aggregates a year; interval
// energy, orders, results, trades and settlements are kept forever. Deletes run in bounded
// chunks so a prune never holds the write lock for long on a Raspberry Pi's SD card.
import type { Db } from './database.js';

export interface RetentionPolicy {
  rawRetentionDays: number;
  aggregateRetentionDays: number;
  /** Acked outbox records older than this are dropped (their sources stay). */
  outboxAckedRetentionDays?: number;
}

export interface PruneResult {
  readingsDeleted: number;
  aggregatesDeleted: number;
  outboxDeleted: number;
}

const DAY_MS = 86_400_000;
const CHUNK = 20_000;

function chunkedDelete(db: Db, sql: string, cutoffMs: number): number {
  const stmt = db.prepare(sql);
  let total = 0;
  for (;;) {
    const n = stmt.run(cutoffMs, CHUNK).changes;
    total += n;
    if (n < CHUNK) return total;
  }
}

export function prune(db: Db, nowMs: number, policy: RetentionPolicy): PruneResult {
  const rawCutoff = nowMs - policy.rawRetentionDays * DAY_MS;
  const aggCutoff = nowMs - policy.aggregateRetentionDays * DAY_MS;
  const outboxCutoff = nowMs - (policy.outboxAckedRetentionDays ?? 30) * DAY_MS;
  return {
    readingsDeleted: chunkedDelete(
      db,
      'DELETE FROM readings WHERE (at_ms, series_id) IN (SELECT at_ms, series_id FROM readings WHERE at_ms < ? ORDER BY at_ms LIMIT ?)',
      rawCutoff,
    ),
    aggregatesDeleted: chunkedDelete(
      db,
      'DELETE FROM aggregates_minute WHERE (minute_ms, series_id) IN (SELECT minute_ms, series_id FROM aggregates_minute WHERE minute_ms < ? ORDER BY minute_ms LIMIT ?)',
      aggCutoff,
    ),
    outboxDeleted: chunkedDelete(
      db,
      'DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE acked_ms IS NOT NULL AND acked_ms < ? ORDER BY seq LIMIT ?)',
      outboxCutoff,
    ),
  };
}
