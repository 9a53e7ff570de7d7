// Read-only queries the API answers from the store. Prepared once; every list is bounded by a
// limit so a wide time range cannot make the gateway build a response of unbounded size.
import type { Store } from '../store/store.js';

export const MAX_ROWS = 10_000;

export interface LatestValue {
  deviceId: string;
  quantity: string;
  unit: string;
  atMs: number;
  value: number;
}

export interface TradeRow {
  tradeId: string;
  intervalStartMs: number;
  buyerId: string;
  sellerId: string;
  energyWh: number;
  priceMinorPerKWh: number;
  amountMinor: number;
  createdMs: number;
}

export interface IntervalRow {
  deviceId: string;
  intervalStartMs: number;
  intervalMs: number;
  importWh: number | null;
  exportWh: number | null;
  gap: number;
  gapReason: string | null;
}

export class StoreQueries {
  private readonly seriesStmt;
  private readonly latestStmt;
  private readonly rawStmt;
  private readonly minuteStmt;
  private readonly intervalsStmt;
  private readonly tradesStmt;

  constructor(private readonly store: Store) {
    const db = store.db;
    this.seriesStmt = db.prepare('SELECT series_id AS id, device_id AS deviceId, quantity, unit FROM series ORDER BY device_id, quantity');
    // Bounded to a recent window: a series that went quiet must not cost a scan of the whole table.
    this.latestStmt = db.prepare('SELECT at_ms AS atMs, value FROM readings WHERE series_id = ? AND at_ms >= ? ORDER BY at_ms DESC LIMIT 1');
    this.rawStmt = db.prepare(
      `SELECT s.device_id AS deviceId, s.quantity, s.unit, r.at_ms AS atMs, r.value FROM readings r JOIN series s ON s.series_id = r.series_id
       WHERE r.at_ms >= ? AND r.at_ms < ? AND (? IS NULL OR s.device_id = ?) AND (? IS NULL OR s.quantity = ?) ORDER BY r.at_ms, s.device_id, s.quantity LIMIT ?`,
    );
    this.minuteStmt = db.prepare(
      `SELECT s.device_id AS deviceId, s.quantity, s.unit, a.minute_ms AS atMs, a.sum / a.count AS value, a.min, a.max, a.count FROM aggregates_minute a JOIN series s ON s.series_id = a.series_id
       WHERE a.minute_ms >= ? AND a.minute_ms < ? AND (? IS NULL OR s.device_id = ?) AND (? IS NULL OR s.quantity = ?) ORDER BY a.minute_ms, s.device_id, s.quantity LIMIT ?`,
    );
    this.intervalsStmt = db.prepare(
      `SELECT device_id AS deviceId, interval_start_ms AS intervalStartMs, interval_ms AS intervalMs, import_wh AS importWh, export_wh AS exportWh, gap, gap_reason AS gapReason
       FROM interval_energy WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms, device_id LIMIT ?`,
    );
    this.tradesStmt = db.prepare(
      `SELECT trade_id AS tradeId, interval_start_ms AS intervalStartMs, buyer_id AS buyerId, seller_id AS sellerId, energy_wh AS energyWh,
       price_minor_per_kwh AS priceMinorPerKWh, amount_minor AS amountMinor, created_ms AS createdMs
       FROM trades WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms DESC, trade_id LIMIT ?`,
    );
  }

  /** The newest stored value of every series seen within `windowMs` before `nowMs`. */
  latest(nowMs: number, windowMs = 3_600_000): LatestValue[] {
    const out: LatestValue[] = [];
    for (const s of this.seriesStmt.all() as Array<{ id: number; deviceId: string; quantity: string; unit: string }>) {
      const row = this.latestStmt.get(s.id, nowMs - windowMs) as { atMs: number; value: number } | undefined;
      if (row) out.push({ deviceId: s.deviceId, quantity: s.quantity, unit: s.unit, atMs: row.atMs, value: row.value });
    }
    return out;
  }

  readings(q: { deviceId?: string; quantity?: string; fromMs: number; toMs: number; resolution: 'raw' | 'minute'; limit: number }): Array<Record<string, unknown>> {
    const stmt = q.resolution === 'minute' ? this.minuteStmt : this.rawStmt;
    const d = q.deviceId ?? null;
    const k = q.quantity ?? null;
    return stmt.all(q.fromMs, q.toMs, d, d, k, k, Math.min(q.limit, MAX_ROWS)) as Array<Record<string, unknown>>;
  }

  intervals(fromMs: number, toMs: number, limit: number): IntervalRow[] {
    return this.intervalsStmt.all(fromMs, toMs, Math.min(limit, MAX_ROWS)) as IntervalRow[];
  }

  trades(fromMs: number, toMs: number, limit: number): TradeRow[] {
    return this.tradesStmt.all(fromMs, toMs, Math.min(limit, MAX_ROWS)) as TradeRow[];
  }

  outboxBacklog(): number {
    return this.store.outbox.pendingCount();
  }
}
