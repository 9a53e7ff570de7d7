// Read-only queries the API answers from the store. Prepared once; every list is bounded by a
// limit so a wide time range cannot make the gateway build a response of unbounded size.
import type { Store } from '../store/store.js';
import type { MarketIntervalInputs, MarketTradeRow } from './market-view.js';

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
  private readonly intervalsStmt;
  private readonly tradesStmt;
  private readonly marketTradesStmt;
  private readonly marketTradeStmt;
  private readonly ownOrderStmt;
  private readonly outcomeStmt;
  private readonly resultStmt;

  constructor(private readonly store: Store) {
    const db = store.db;
    this.seriesStmt = db.prepare('SELECT series_id AS id, device_id AS deviceId, quantity, unit FROM series ORDER BY device_id, quantity');
    // Bounded to a recent window: a series that went quiet must not cost a scan of the whole table.
    this.latestStmt = db.prepare('SELECT at_ms AS atMs, value FROM readings WHERE series_id = ? AND at_ms >= ? ORDER BY at_ms DESC LIMIT 1');
    this.intervalsStmt = db.prepare(
      `SELECT device_id AS deviceId, interval_start_ms AS intervalStartMs, interval_ms AS intervalMs, import_wh AS importWh, export_wh AS exportWh, gap, gap_reason AS gapReason
       FROM interval_energy WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms, device_id LIMIT ?`,
    );
    this.tradesStmt = db.prepare(
      `SELECT trade_id AS tradeId, interval_start_ms AS intervalStartMs, buyer_id AS buyerId, seller_id AS sellerId, energy_wh AS energyWh,
       price_minor_per_kwh AS priceMinorPerKWh, amount_minor AS amountMinor, created_ms AS createdMs
       FROM trades WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms DESC, trade_id LIMIT ?`,
    );
    // The block market's trades (one net trade per final interval) and what the dashboard shows of an interval.
    const marketTradeColumns = `trade_id AS tradeId, interval_start_ms AS intervalStartMs, participant_id AS participantId, block_id AS blockId, energy_wh AS energyWh,
       price_minor_per_kwh AS priceMinorPerKWh, amount_minor AS amountMinor FROM market_trades`;
    this.marketTradesStmt = db.prepare(`SELECT ${marketTradeColumns} WHERE interval_start_ms >= ? AND interval_start_ms < ? ORDER BY interval_start_ms DESC, trade_id LIMIT ?`);
    this.marketTradeStmt = db.prepare(`SELECT ${marketTradeColumns} WHERE interval_start_ms = ? AND participant_id = ? LIMIT 1`);
    this.ownOrderStmt = db.prepare('SELECT payload FROM orders WHERE interval_start_ms = ? AND participant_id = ? ORDER BY created_ms DESC, order_id DESC LIMIT 1');
    this.outcomeStmt = db.prepare('SELECT status, reason, result_hash AS resultHash FROM market_intervals WHERE interval_start_ms = ?');
    this.resultStmt = db.prepare('SELECT payload FROM clearing_results WHERE interval_start_ms = ? AND final = 1 LIMIT 1');
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

  /**
   * Readings (or minute aggregates) of the matching series. The series are picked from the small
   * series table first, so SQLite walks the time range once with an integer filter, no join.
   */
  readings(q: { deviceId?: string; quantity?: string; fromMs: number; toMs: number; resolution: 'raw' | 'minute'; limit: number }): Array<{ deviceId: string; quantity: string; unit: string; atMs: number; value: number; min?: number; max?: number; count?: number }> {
    const series = (this.seriesStmt.all() as Array<{ id: number; deviceId: string; quantity: string; unit: string }>).filter(
      (s) => (q.deviceId === undefined || s.deviceId === q.deviceId) && (q.quantity === undefined || s.quantity === q.quantity),
    );
    if (series.length === 0) return [];
    const byId = new Map(series.map((s) => [s.id, s]));
    const ids = series.map((s) => s.id).join(',');
    const sql =
      q.resolution === 'minute'
        ? `SELECT minute_ms AS atMs, series_id AS sid, sum / count AS value, min, max, count FROM aggregates_minute WHERE minute_ms >= ? AND minute_ms < ? AND series_id IN (${ids}) ORDER BY minute_ms, series_id LIMIT ?`
        : `SELECT at_ms AS atMs, series_id AS sid, value FROM readings WHERE at_ms >= ? AND at_ms < ? AND series_id IN (${ids}) ORDER BY at_ms, series_id LIMIT ?`;
    const rows = this.store.db.prepare(sql).all(q.fromMs, q.toMs, Math.min(q.limit, MAX_ROWS)) as Array<{ atMs: number; sid: number; value: number; min?: number; max?: number; count?: number }>;
    return rows.map(({ sid, ...r }) => {
      const s = byId.get(sid) as { deviceId: string; quantity: string; unit: string };
      return { deviceId: s.deviceId, quantity: s.quantity, unit: s.unit, ...r };
    });
  }

  intervals(fromMs: number, toMs: number, limit: number): IntervalRow[] {
    return this.intervalsStmt.all(fromMs, toMs, Math.min(limit, MAX_ROWS)) as IntervalRow[];
  }

  trades(fromMs: number, toMs: number, limit: number): TradeRow[] {
    return this.tradesStmt.all(fromMs, toMs, Math.min(limit, MAX_ROWS)) as TradeRow[];
  }

  marketTrades(fromMs: number, toMs: number, limit: number): MarketTradeRow[] {
    return this.marketTradesStmt.all(fromMs, toMs, Math.min(limit, MAX_ROWS)) as MarketTradeRow[];
  }

  /** What the store knows of one market interval for this gateway (its order, outcome, result, trade). */
  marketInterval(intervalStartMs: number, gatewayId: string): Omit<MarketIntervalInputs, 'roundStatus'> {
    const order = this.ownOrderStmt.get(intervalStartMs, gatewayId) as { payload: string } | undefined;
    const result = this.resultStmt.get(intervalStartMs) as { payload: string } | undefined;
    return {
      intervalStartMs,
      gatewayId,
      // Rows this gateway wrote itself: a signed order envelope and a canonical clearing result.
      order: order ? (JSON.parse(order.payload) as { payload: MarketIntervalInputs['order'] }).payload : undefined,
      outcome: this.outcomeStmt.get(intervalStartMs) as MarketIntervalInputs['outcome'],
      result: result ? (JSON.parse(result.payload) as MarketIntervalInputs['result']) : undefined,
      trade: this.marketTradeStmt.get(intervalStartMs, gatewayId) as MarketTradeRow | undefined,
    };
  }

  outboxBacklog(): number {
    return this.store.outbox.pendingCount();
  }
}
